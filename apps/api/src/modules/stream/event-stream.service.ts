import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AppConfig } from '../../infra/config/app-config.js';
import { RedisClient } from '../../infra/redis/redis.module.js';
import { type ProfileChangeKind, partitionOf, type StreamEntryKind } from './stream.constants.js';

/** A profile change to publish. Events are published by storing them with `eventStreamColumns`. */
export interface StreamAppend {
  workspaceId: string;
  profileId: string;
  kind: ProfileChangeKind;
  payload?: Record<string, unknown>;
}

/** Profile changes as the rows `appendChangesSql` reads (a JSON array). */
export function changeRows(entries: StreamAppend[]) {
  return entries.map((e) => ({
    partition: partitionOf(e.profileId),
    workspace_id: e.workspaceId,
    profile_id: e.profileId,
    kind: e.kind,
    payload: e.payload ?? {},
  }));
}

/** The INSERT of profile changes whose rows (`changeRows`, as jsonb) are in parameter `rows`; composable into one statement. */
export const appendChangesSql = (rows: string) =>
  `INSERT INTO stream_entries (partition, workspace_id, profile_id, kind, payload)
   SELECT * FROM jsonb_to_recordset(${rows}::jsonb) AS c(partition smallint, workspace_id uuid, profile_id uuid, kind text, payload jsonb)`;

/** The stored event behind an `event` entry, as ingestion stored it. */
export interface StreamedEvent {
  type: string;
  event: string | null;
  name: string | null;
  messageId: string;
  properties: Record<string, unknown>;
  traits: Record<string, unknown>;
  context: Record<string, unknown>;
  timestamp: Date;
}

export interface StreamEntry {
  id: string;
  xid: string;
  partition: number;
  workspaceId: string;
  profileId: string;
  kind: StreamEntryKind;
  eventId: string | null;
  payload: Record<string, unknown>;
  createdAt: Date;
  /** `event` entries: the event itself, read with the entry (absent on entries stored before events carried the stream). */
  event?: StreamedEvent;
}

export interface StreamPosition {
  xid: string;
  id: string;
}

export const STREAM_START: StreamPosition = { xid: '0', id: '0' };

/**
 * The durable hand-off from ingestion to journeys. See README.md in this folder for the contract.
 * An event is on the stream as its own `events` row (with `partition` set); profile changes are
 * rows of `stream_entries`. Both are written in the same transaction as what they describe.
 */
@Injectable()
export class EventStream {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(RedisClient) private readonly redis: RedisClient,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  get wakeChannel(): string {
    return `${this.config.REDIS_PREFIX}:stream:wake`;
  }

  /** Appends profile changes inside the caller's transaction; returns the partitions touched (for `wake`). */
  async append(manager: EntityManager, entries: StreamAppend[]): Promise<number[]> {
    if (entries.length === 0) return [];
    const rows = changeRows(entries);
    await manager.query(appendChangesSql('$1'), [JSON.stringify(rows)]);
    return [...new Set(rows.map((row) => row.partition))];
  }

  /** After commit: tells consumers which partitions have news (a hint; they also poll). */
  async wake(partitions: number[]): Promise<void> {
    if (partitions.length === 0) return;
    await this.redis.publish(this.wakeChannel, partitions.join(',')).catch(() => undefined);
  }

  /**
   * Entries of one partition after `position`, in order, only from transactions that can no
   * longer change what precedes them (xid below the oldest running transaction), so a reader
   * never skips an entry whose transaction commits late.
   */
  async read(partition: number, position: StreamPosition, limit = 500): Promise<StreamEntry[]> {
    // Both tables take ids from one sequence, so (xid, id) orders their rows together.
    const after = 'partition = $1 AND (xid, id) > ($2::xid8, $3::bigint) AND xid < pg_snapshot_xmin(pg_current_snapshot())';
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT id::text, xid::text, partition, workspace_id, profile_id, kind, event_id::text, payload, created_at,
              type, event, name, message_id, properties, traits, context, timestamp FROM (
         (SELECT id, xid, partition, workspace_id, profile_id, 'event' AS kind, id AS event_id,
                 jsonb_build_object('type', type, 'event', event, 'messageId', message_id) AS payload, received_at AS created_at,
                 type, event, name, message_id, properties, traits, context, timestamp
            FROM events WHERE ${after} ORDER BY xid, id LIMIT $4)
         UNION ALL
         (SELECT id, xid, partition, workspace_id, profile_id, kind, event_id, payload, created_at,
                 NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
            FROM stream_entries WHERE ${after} ORDER BY xid, id LIMIT $4)
       ) AS entries
       ORDER BY entries.xid, entries.id -- the numbers, not the text columns of the same names
       LIMIT $4`,
      [partition, position.xid, position.id, limit],
    );
    return rows.map((row) => ({
      id: row.id as string,
      xid: row.xid as string,
      partition: row.partition as number,
      workspaceId: row.workspace_id as string,
      profileId: row.profile_id as string,
      kind: row.kind as StreamEntryKind,
      eventId: row.event_id as string | null,
      payload: row.payload as Record<string, unknown>,
      createdAt: row.created_at as Date,
      ...(row.message_id === null
        ? {}
        : {
            event: {
              type: row.type as string,
              event: row.event as string | null,
              name: row.name as string | null,
              messageId: row.message_id as string,
              properties: row.properties as Record<string, unknown>,
              traits: row.traits as Record<string, unknown>,
              context: row.context as Record<string, unknown>,
              timestamp: row.timestamp as Date,
            },
          }),
    }));
  }

  async position(consumer: string, partition: number): Promise<StreamPosition> {
    const rows = await this.dataSource.query('SELECT xid::text, id::text FROM stream_cursors WHERE consumer = $1 AND partition = $2', [
      consumer,
      partition,
    ]);
    return rows[0] ?? STREAM_START;
  }

  /** Records how far a consumer got (after it has applied the entries, so nothing is lost on a crash). */
  async commit(consumer: string, partition: number, position: StreamPosition): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO stream_cursors (consumer, partition, xid, id, updated_at) VALUES ($1, $2, $3::xid8, $4, now())
       ON CONFLICT (consumer, partition) DO UPDATE SET xid = EXCLUDED.xid, id = EXCLUDED.id, updated_at = now()
       WHERE (stream_cursors.xid, stream_cursors.id) < (EXCLUDED.xid, EXCLUDED.id)`,
      [consumer, partition, position.xid, position.id],
    );
  }
}
