import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { cursorTime, olderThanCursor, pageOf } from '../../infra/http/cursor.js';
import type { ProfileRunDto, ProfileRunStatus } from './dto/profile-runs.dto.js';

/** A profile's journey runs across every journey of the workspace, newest first (the profile page). */
@Injectable()
export class ProfileRuns {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async list(
    workspaceId: string,
    userId: string,
    search: { status?: ProfileRunStatus; limit?: number; cursor?: string },
  ): Promise<{ data: ProfileRunDto[]; nextCursor: string | null }> {
    const limit = search.limit ?? 50;
    const params: unknown[] = [workspaceId, userId];
    const where = ['r.workspace_id = $1', 'r.profile_id = (SELECT id FROM profiles WHERE workspace_id = $1 AND user_id = $2)'];
    if (search.status) where.push(`r.status = $${params.push(search.status)}`);
    const older = olderThanCursor(search.cursor, { time: 'r.entered_at', id: 'r.id' }, params);
    if (older) where.push(older);
    const rows: Array<Record<string, unknown> & { cursor_time: string; id: string }> = await this.dataSource.query(
      `SELECT r.id, r.journey_id, j.name AS journey_name, r.version, r.status, r.current_node, r.waiting_for, r.entered_at, r.ended_at,
              r.end_reason, node->>'name' AS node_name, node->>'type' AS node_type, ${cursorTime('r.entered_at')}
         FROM journey_runs r
         JOIN journeys j ON j.id = r.journey_id
         LEFT JOIN journey_versions v ON v.journey_id = r.journey_id AND v.version = r.version
         LEFT JOIN LATERAL (
           SELECT n AS node FROM jsonb_array_elements(v.definition->'nodes') n WHERE n->>'id' = r.current_node LIMIT 1
         ) step ON true
        WHERE ${where.join(' AND ')}
        ORDER BY r.entered_at DESC, r.id DESC
        LIMIT $${params.push(limit + 1)}`,
      params,
    );
    return pageOf(rows, limit, (row) => ({
      id: row.id,
      journeyId: row.journey_id as string,
      journeyName: row.journey_name as string,
      version: row.version as number,
      status: row.status as ProfileRunStatus,
      currentNode: row.current_node as string | null,
      currentNodeName: (row.node_name as string | null) ?? null,
      currentNodeType: (row.node_type as string | null) ?? null,
      waitingFor: row.waiting_for as string | null,
      enteredAt: row.entered_at as Date,
      endedAt: row.ended_at as Date | null,
      endReason: row.end_reason as string | null,
    }));
  }
}
