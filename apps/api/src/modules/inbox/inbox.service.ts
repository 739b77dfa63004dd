import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { cursorTime, olderThanCursor, pageOf } from '../../infra/http/cursor.js';
import { NotFoundError } from '../../infra/http/errors.js';
import { RedisClient } from '../../infra/redis/redis.module.js';
import { InboxPublisher } from '../messaging/delivery/inbox-publisher.js';
import { ProfileViews } from '../profiles/profile-view.js';

export const INBOX_ACTIONS = ['read', 'unread', 'seen', 'archive', 'unarchive'] as const;
export type InboxAction = (typeof INBOX_ACTIONS)[number];
export const INBOX_FILTERS = ['all', 'unread', 'read', 'archived'] as const;

export interface InboxItem {
  id: string;
  title: string;
  body: string;
  actionUrl: string | null;
  data: Record<string, unknown>;
  topic: string | null;
  createdAt: Date;
  seenAt: Date | null;
  readAt: Date | null;
  archivedAt: Date | null;
}

const ACTION_SQL: Record<InboxAction, string> = {
  read: 'read_at = COALESCE(read_at, now()), seen_at = COALESCE(seen_at, now())',
  unread: 'read_at = NULL',
  seen: 'seen_at = COALESCE(seen_at, now())',
  archive: 'archived_at = COALESCE(archived_at, now()), seen_at = COALESCE(seen_at, now())',
  unarchive: 'archived_at = NULL',
};

/** The in-app feed of one user: the `inapp` messages that were sent to them. */
@Injectable()
export class InboxService implements OnApplicationShutdown {
  private subscriber?: Redis;
  private readonly listeners = new Map<string, Set<(payload: string) => void>>();

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(RedisClient) private readonly redis: RedisClient,
    @Inject(InboxPublisher) private readonly publisher: InboxPublisher,
    @Inject(ProfileViews) private readonly profiles: ProfileViews,
  ) {}

  async profileId(workspaceId: string, userId: string): Promise<string> {
    return this.profiles.requireIdOfUser(workspaceId, userId);
  }

  async list(workspaceId: string, userId: string, filter: (typeof INBOX_FILTERS)[number] = 'all', limit = 25, cursor?: string) {
    const profileId = await this.profileId(workspaceId, userId);
    const where = ['m.profile_id = $1', "m.channel = 'inapp'", "m.status IN ('sent', 'delivered', 'opened', 'clicked')"];
    if (filter === 'unread') where.push('m.read_at IS NULL AND m.archived_at IS NULL');
    if (filter === 'read') where.push('m.read_at IS NOT NULL AND m.archived_at IS NULL');
    if (filter === 'archived') where.push('m.archived_at IS NOT NULL');
    if (filter === 'all') where.push('m.archived_at IS NULL');
    const params: unknown[] = [profileId];
    const older = olderThanCursor(cursor, { time: 'm.created_at', id: 'm.id' }, params);
    if (older) where.push(older);
    const rows = await this.dataSource.query(
      `SELECT m.id, m.content, m.topic, m.created_at, m.seen_at, m.read_at, m.archived_at,
              ${cursorTime('m.created_at')}
         FROM messages m WHERE ${where.join(' AND ')} ORDER BY m.created_at DESC, m.id DESC LIMIT $${params.push(limit + 1)}`,
      params,
    );
    return pageOf(rows, limit, toItem);
  }

  async counts(workspaceId: string, userId: string): Promise<{ unread: number; unseen: number; total: number }> {
    const profileId = await this.profileId(workspaceId, userId);
    const [row] = await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE read_at IS NULL)::int AS unread, count(*) FILTER (WHERE seen_at IS NULL)::int AS unseen, count(*)::int AS total
         FROM messages WHERE profile_id = $1 AND channel = 'inapp' AND archived_at IS NULL AND status IN ('sent', 'delivered', 'opened', 'clicked')`,
      [profileId],
    );
    return row;
  }

  /** Marks messages (all of the user's when `messageIds` is undefined); returns how many changed. */
  async mark(workspaceId: string, userId: string, action: InboxAction, messageIds?: string[]): Promise<number> {
    const profileId = await this.profileId(workspaceId, userId);
    const params: unknown[] = [profileId];
    const only = messageIds ? `AND id = ANY($${params.push(messageIds)}::uuid[])` : '';
    const [rows, count] = await this.dataSource.query(
      `UPDATE messages SET ${ACTION_SQL[action]}, updated_at = now() WHERE profile_id = $1 AND channel = 'inapp' ${only} RETURNING id`,
      params,
    );
    if (messageIds && messageIds.length === 1 && count === 0) throw new NotFoundError(`Message ${messageIds[0]} is not in this inbox`);
    if (action === 'read') {
      for (const { id } of rows as Array<{ id: string }>) {
        await this.dataSource.query(
          `UPDATE messages SET status = 'opened', opened_at = COALESCE(opened_at, now()) WHERE id = $1 AND status IN ('sent', 'delivered')`,
          [id],
        );
      }
    }
    await this.publisher.publish(workspaceId, profileId, messageIds?.[0] ?? '*', 'updated');
    return count;
  }

  /** Calls `listener` for each change of a profile's feed until the returned function is called. */
  async subscribe(workspaceId: string, profileId: string, listener: (payload: string) => void): Promise<() => void> {
    const channel = this.publisher.channelOf(workspaceId, profileId);
    if (!this.subscriber) {
      this.subscriber = this.redis.duplicate();
      this.subscriber.on('message', (from: string, payload: string) => this.listeners.get(from)?.forEach((l) => l(payload)));
    }
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      await this.subscriber.subscribe(channel);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) {
        this.listeners.delete(channel);
        void this.subscriber?.unsubscribe(channel).catch(() => undefined);
      }
    };
  }

  async item(profileId: string, messageId: string): Promise<InboxItem | undefined> {
    const rows = await this.dataSource.query(
      "SELECT id, content, topic, created_at, seen_at, read_at, archived_at FROM messages WHERE id = $1 AND profile_id = $2 AND channel = 'inapp'",
      [messageId, profileId],
    );
    return rows[0] ? toItem(rows[0]) : undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }
}

function toItem(row: Record<string, unknown>): InboxItem {
  const inapp = ((row.content as { inapp?: Record<string, unknown> } | null)?.inapp ?? {}) as Record<string, unknown>;
  return {
    id: row.id as string,
    title: (inapp.title as string) ?? '',
    body: (inapp.body as string) ?? '',
    actionUrl: (inapp.actionUrl as string | null) ?? null,
    data: (inapp.data as Record<string, unknown>) ?? {},
    topic: row.topic as string | null,
    createdAt: row.created_at as Date,
    seenAt: row.seen_at as Date | null,
    readAt: row.read_at as Date | null,
    archivedAt: row.archived_at as Date | null,
  };
}
