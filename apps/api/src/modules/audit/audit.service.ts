import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { cursorTime, olderThanCursor, pageOf } from '../../infra/http/cursor.js';
import type { AuditEntryDto, AuditSearchDto } from './dto/audit.dto.js';

interface AuditRow {
  id: string;
  cursor_time: string;
  actor_kind: 'user' | 'api_key';
  actor_id: string | null;
  actor_label: string;
  method: string;
  route: string;
  resource: string;
  action: string;
  target_id: string | null;
  status: number;
  changes: Record<string, unknown> | null;
  result: Record<string, unknown> | null;
}

/** Reading the audit log, newest first, workspace-scoped; it has no way to change an entry. */
@Injectable()
export class AuditService {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async search(workspaceId: string, search: AuditSearchDto): Promise<{ data: AuditEntryDto[]; nextCursor: string | null }> {
    const limit = search.limit ?? 50;
    const where = ['workspace_id = $1'];
    const params: unknown[] = [workspaceId];
    const add = (clause: string, value: unknown) => where.push(clause.replaceAll('?', `$${params.push(value)}`));
    if (search.resource) add('resource = ?', search.resource);
    if (search.action) add('action = ?', search.action);
    if (search.targetId) add('target_id = ?', search.targetId);
    if (search.actor) add("actor_label ILIKE '%' || ? || '%'", search.actor.replace(/[\\%_]/g, '\\$&'));
    if (search.outcome) where.push(search.outcome === 'succeeded' ? 'status < 400' : 'status >= 400');
    if (search.from) add('occurred_at >= ?::timestamptz', search.from);
    if (search.to) add('occurred_at < ?::timestamptz', search.to);
    const older = olderThanCursor(search.cursor, { time: 'occurred_at', id: 'id' }, params);
    if (older) where.push(older);
    const rows: AuditRow[] = await this.dataSource.query(
      `SELECT id, actor_kind, actor_id, actor_label, method, route, resource, action, target_id, status, changes, result, ${cursorTime('occurred_at')}
         FROM audit_entries WHERE ${where.join(' AND ')}
        ORDER BY occurred_at DESC, id DESC LIMIT $${params.push(limit + 1)}`,
      params,
    );
    return pageOf(rows, limit, toEntry);
  }
}

function toEntry(row: AuditRow): AuditEntryDto {
  return {
    id: row.id,
    occurredAt: row.cursor_time,
    actor: { kind: row.actor_kind, id: row.actor_id, label: row.actor_label },
    method: row.method,
    route: row.route,
    resource: row.resource,
    action: row.action,
    targetId: row.target_id,
    status: row.status,
    outcome: row.status < 400 ? 'succeeded' : 'refused',
    changes: row.changes,
    result: row.result,
  };
}
