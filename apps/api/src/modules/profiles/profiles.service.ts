import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { cursorTime, decodeCursor, olderThanCursor, pageOf } from '../../infra/http/cursor.js';
import { NotFoundError, ValidationError } from '../../infra/http/errors.js';
import { EventStream } from '../stream/event-stream.service.js';
import type { EventDto, ProfileDto } from './dto/profile.dto.js';
import { removeContactPoint } from './contact-points.js';
import { type ProfileInput, upsertProfiles } from './profile-writer.js';

export interface ProfileSearch {
  q?: string;
  email?: string;
  userId?: string;
  traits?: string;
  groupId?: string;
  limit?: number;
  cursor?: string;
}

export interface EventSearch {
  event?: string;
  type?: string;
  userId?: string;
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
}

const PROFILE_COLUMNS = `p.id, p.user_id, p.traits, p.email, p.phone, p.timezone, p.locale, p.created_at, p.updated_at, p.last_seen_at,
  a.group_id AS account_group_id, a.traits AS account_traits,
  COALESCE((SELECT array_agg(anonymous_id ORDER BY created_at) FROM profile_anonymous_ids WHERE profile_id = p.id), '{}') AS anonymous_ids,
  COALESCE((SELECT json_agg(json_build_object('id', c.id, 'channel', c.channel, 'value', c.value, 'metadata', c.metadata,
            'source', c.source, 'createdAt', c.created_at) ORDER BY c.created_at) FROM contact_points c WHERE c.profile_id = p.id), '[]') AS contact_points`;

/** Profiles and their events through the management API; every query is scoped to the workspace. */
@Injectable()
export class ProfilesService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(EventStream) private readonly stream: EventStream,
  ) {}

  async search(workspaceId: string, search: ProfileSearch): Promise<{ data: ProfileDto[]; nextCursor: string | null }> {
    const limit = search.limit ?? 50;
    const where = ['p.workspace_id = $1'];
    const params: unknown[] = [workspaceId];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      where.push(clause.replaceAll('?', `$${params.length}`));
    };
    if (search.userId) add('p.user_id = ?', search.userId);
    if (search.email) add('lower(p.email) = lower(?)', search.email);
    if (search.q) add("(p.user_id LIKE ? || '%' OR lower(p.email) LIKE lower(?) || '%')", search.q.replace(/[\\%_]/g, '\\$&'));
    if (search.traits) add('p.traits @> ?::jsonb', JSON.stringify(parseTraitFilter(search.traits)));
    if (search.groupId) add('a.group_id = ?', search.groupId);
    const after = decodeCursor(search.cursor, 2);
    if (after) {
      params.push(after[0], after[1]);
      where.push(`(p.created_at, p.id) > ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(limit + 1);
    const rows = await this.dataSource.query(
      `SELECT ${PROFILE_COLUMNS}, ${cursorTime('p.created_at')}
         FROM profiles p LEFT JOIN accounts a ON a.id = p.account_id
        WHERE ${where.join(' AND ')} ORDER BY p.created_at, p.id LIMIT $${params.length}`,
      params,
    );
    return pageOf(rows, limit, toProfile);
  }

  async get(workspaceId: string, userId: string): Promise<ProfileDto> {
    const rows = await this.dataSource.query(
      `SELECT ${PROFILE_COLUMNS} FROM profiles p LEFT JOIN accounts a ON a.id = p.account_id WHERE p.workspace_id = $1 AND p.user_id = $2`,
      [workspaceId, userId],
    );
    if (rows.length === 0) throw new NotFoundError(`No profile with userId "${userId}" in this workspace`);
    return toProfile(rows[0]);
  }

  /** PUT replaces traits (creating the profile when new), PATCH merges them. */
  async write(workspaceId: string, userId: string, input: Omit<ProfileInput, 'userId'>, mode: 'merge' | 'replace'): Promise<ProfileDto> {
    await this.writeMany(workspaceId, [{ ...input, userId }], mode);
    return this.get(workspaceId, userId);
  }

  async writeMany(workspaceId: string, rows: ProfileInput[], mode: 'merge' | 'replace'): Promise<Map<string, string>> {
    const { ids, partitions } = await this.dataSource.transaction(async (m) => {
      const written = await upsertProfiles(m, workspaceId, rows, mode);
      return { ids: written.ids, partitions: await this.stream.append(m, written.entries) };
    });
    await this.stream.wake(partitions);
    return ids;
  }

  async removeContactPoint(workspaceId: string, userId: string, contactPointId: string): Promise<void> {
    if (!(await removeContactPoint(this.dataSource, workspaceId, userId, contactPointId))) {
      throw new NotFoundError(`Contact point ${contactPointId} not found on profile "${userId}"`);
    }
  }

  /**
   * Right to be forgotten: the profile, its events, anonymous ids, contact points and stream
   * entries are deleted (rows of later features cascade from the profile). A `profile_deleted`
   * entry without personal data tells journey consumers to drop the profile's runs.
   */
  async erase(workspaceId: string, userId: string): Promise<void> {
    const partitions = await this.dataSource.transaction(async (m) => {
      // DELETE … RETURNING answers [rows, count].
      const [rows]: [Array<{ id: string }>, number] = await m.query(
        'DELETE FROM profiles WHERE workspace_id = $1 AND user_id = $2 RETURNING id',
        [workspaceId, userId],
      );
      if (rows.length === 0) throw new NotFoundError(`No profile with userId "${userId}" in this workspace`);
      await m.query('DELETE FROM stream_entries WHERE profile_id = $1', [rows[0].id]);
      return this.stream.append(m, [{ workspaceId, profileId: rows[0].id, kind: 'profile_deleted' }]);
    });
    await this.stream.wake(partitions);
  }

  async events(workspaceId: string, search: EventSearch): Promise<{ data: EventDto[]; nextCursor: string | null }> {
    const limit = search.limit ?? 50;
    const where = ['e.workspace_id = $1'];
    const params: unknown[] = [workspaceId];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      where.push(clause.replaceAll('?', `$${params.length}`));
    };
    if (search.userId) add('e.profile_id = (SELECT id FROM profiles WHERE workspace_id = $1 AND user_id = ?)', search.userId);
    if (search.event) add('e.event = ?', search.event);
    if (search.type) add('e.type = ?', search.type);
    if (search.from) add('e.timestamp >= ?::timestamptz', search.from);
    if (search.to) add('e.timestamp < ?::timestamptz', search.to);
    const older = olderThanCursor(search.cursor, { time: 'e.timestamp', id: 'e.id', idType: 'bigint' }, params);
    if (older) where.push(older);
    params.push(limit + 1);
    const rows = await this.dataSource.query(
      `SELECT e.id::text, e.message_id, e.type, e.event, e.name, e.user_id, e.anonymous_id, e.group_id, e.properties, e.traits, e.context,
              e.timestamp, e.received_at, ${cursorTime('e.timestamp')}
         FROM events e WHERE ${where.join(' AND ')} ORDER BY e.timestamp DESC, e.id DESC LIMIT $${params.length}`,
      params,
    );
    return pageOf(rows, limit, (r: Record<string, unknown>) => ({
      id: r.id as string,
      messageId: r.message_id as string,
      type: r.type as string,
      event: r.event as string | null,
      name: r.name as string | null,
      userId: r.user_id as string | null,
      anonymousId: r.anonymous_id as string | null,
      groupId: r.group_id as string | null,
      properties: r.properties as Record<string, unknown>,
      traits: r.traits as Record<string, unknown>,
      context: r.context as Record<string, unknown>,
      timestamp: r.timestamp as Date,
      receivedAt: r.received_at as Date,
    }));
  }

  async assertExists(workspaceId: string, userId: string): Promise<void> {
    const rows = await this.dataSource.query('SELECT 1 FROM profiles WHERE workspace_id = $1 AND user_id = $2', [workspaceId, userId]);
    if (rows.length === 0) throw new NotFoundError(`No profile with userId "${userId}" in this workspace`);
  }
}

function parseTraitFilter(raw: string): Record<string, unknown> {
  try {
    const value = JSON.parse(raw) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new ValidationError('traits must be a JSON object, e.g. {"plan":"pro"}', [
    { field: 'traits', messages: ['must be a JSON object'] },
  ]);
}

function toProfile(row: Record<string, unknown>): ProfileDto {
  return {
    id: row.id as string,
    userId: row.user_id as string | null,
    anonymousIds: row.anonymous_ids as string[],
    traits: row.traits as Record<string, unknown>,
    email: row.email as string | null,
    phone: row.phone as string | null,
    timezone: row.timezone as string | null,
    locale: row.locale as string | null,
    account: row.account_group_id
      ? { groupId: row.account_group_id as string, traits: row.account_traits as Record<string, unknown> }
      : null,
    contactPoints: row.contact_points as ProfileDto['contactPoints'],
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
    lastSeenAt: row.last_seen_at as Date | null,
  };
}
