import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { cursorTime, olderThanCursor, pageOf } from '../../../infra/http/cursor.js';
import { NotFoundError } from '../../../infra/http/errors.js';
import type { MessageDto } from './message-log.dto.js';

export interface MessageSearch {
  status?: string;
  channel?: string;
  userId?: string;
  template?: string;
  requestId?: string;
  journeyId?: string;
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
}

/** Reading messages for `/api/messages`, workspace-scoped. */
@Injectable()
export class MessagesService {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async search(workspaceId: string, search: MessageSearch): Promise<{ data: MessageDto[]; nextCursor: string | null }> {
    const limit = search.limit ?? 50;
    const where = ['m.workspace_id = $1'];
    const params: unknown[] = [workspaceId];
    const add = (clause: string, value: unknown) => where.push(clause.replaceAll('?', `$${params.push(value)}`));
    if (search.status) add('m.status = ?', search.status);
    if (search.channel) add('m.channel = ?', search.channel);
    if (search.userId) add('p.user_id = ?', search.userId);
    if (search.template) add('m.template_key = ?', search.template);
    if (search.requestId) add('m.request_id = ?', search.requestId);
    if (search.journeyId) add('m.journey_id = ?', search.journeyId);
    if (search.from) add('m.created_at >= ?::timestamptz', search.from);
    if (search.to) add('m.created_at < ?::timestamptz', search.to);
    const older = olderThanCursor(search.cursor, { time: 'm.created_at', id: 'm.id' }, params);
    if (older) where.push(older);
    const rows = await this.dataSource.query(
      `SELECT m.*, p.user_id, ${cursorTime('m.created_at')}
         FROM messages m JOIN profiles p ON p.id = m.profile_id
        WHERE ${where.join(' AND ')} ORDER BY m.created_at DESC, m.id DESC LIMIT $${params.push(limit + 1)}`,
      params,
    );
    return pageOf(rows, limit, (row: Record<string, unknown>) => toMessage(row));
  }

  async get(workspaceId: string, id: string): Promise<MessageDto> {
    const rows = await this.dataSource.query(
      'SELECT m.*, p.user_id FROM messages m JOIN profiles p ON p.id = m.profile_id WHERE m.workspace_id = $1 AND m.id = $2',
      [workspaceId, id],
    );
    if (rows.length === 0) throw new NotFoundError(`Message ${id} not found in this workspace`);
    const events = await this.dataSource.query(
      'SELECT status, occurred_at, detail FROM message_events WHERE message_id = $1 ORDER BY occurred_at, id',
      [id],
    );
    return {
      ...toMessage(rows[0]),
      content: rows[0].content,
      events: events.map((e: { status: string; occurred_at: Date; detail: Record<string, unknown> }) => ({
        status: e.status,
        occurredAt: e.occurred_at,
        detail: e.detail,
      })),
    };
  }
}

export function toMessage(row: Record<string, unknown>): MessageDto {
  return {
    id: row.id as string,
    userId: row.user_id as string | null,
    channel: row.channel as string,
    status: row.status as string,
    reason: row.status_reason as string | null,
    template: row.template_key as string | null,
    topic: row.topic as string | null,
    requestId: row.request_id as string | null,
    journeyId: row.journey_id as string | null,
    runId: row.run_id as string | null,
    nodeId: row.node_id as string | null,
    provider: row.plugin_id as string | null,
    providerMessageId: row.provider_message_id as string | null,
    recipient: row.recipient as string | null,
    deferredUntil: row.deferred_until as Date | null,
    timestamps: {
      queued: row.created_at as Date,
      sending: row.sending_at as Date | null,
      sent: row.sent_at as Date | null,
      delivered: row.delivered_at as Date | null,
      opened: row.opened_at as Date | null,
      clicked: row.clicked_at as Date | null,
      failed: row.failed_at as Date | null,
      bounced: row.bounced_at as Date | null,
    },
  };
}
