import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { LruCache } from '../../infra/cache/lru-cache.js';
import { pgErrorCode } from '../../infra/database/pg-error-code.js';
import { mergeAnonymousProfile } from '../profiles/profile-merger.js';
import { changeRows, EventStream, type StreamAppend } from '../stream/event-stream.service.js';
import { partitionOf } from '../stream/stream.constants.js';
import {
  eventRow,
  insertContactPointsSql,
  insertEventsSql,
  NOT_ALL_STORED,
  STORE_BATCH_AT_ONCE,
  updateProfilesSql,
  upsertAccountsSql,
} from './ingestion-statements.js';
import { collectPatches, type PlacedEvent } from './profile-patches.js';
import type { NormalizedEvent } from './segment-event.js';

export interface IngestResult {
  stored: number;
  duplicates: number;
}

const RETRYABLE_PG = new Set(['40P01', '40001']);
/** A cached profile id whose profile was deleted (erased, or merged away): the events' foreign key says so. */
const STALE_PROFILE = '23503';
/** userIds and anonymousIds whose profile id a process remembers. */
const KNOWN_IDENTITIES = 50_000;

const identityKey = (workspaceId: string, kind: 'user' | 'anonymous', id: string) => `${workspaceId}\u0000${kind}\u0000${id}`;

/**
 * Stores validated events exactly once and applies what they say about profiles; a stored event
 * is on the journey stream by its row. The profile ids of userIds and anonymousIds seen before
 * are remembered (they change only when a profile is deleted or merged away, which the events'
 * foreign key reports: the batch is then placed again from the database). A batch whose every
 * event belongs to a remembered profile and needs no link, merge or account is stored in one
 * statement (`STORE_BATCH_AT_ONCE`); any other batch, or one holding a messageId stored before,
 * in a transaction that places its events on profiles first. A repeated messageId is ignored by
 * the unique (workspace_id, message_id) constraint, so retries never double-count.
 */
@Injectable()
export class IngestionService {
  private readonly identities = new LruCache<string, string>(KNOWN_IDENTITIES);

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(EventStream) private readonly stream: EventStream,
  ) {}

  async ingest(workspaceId: string, events: NormalizedEvent[]): Promise<IngestResult> {
    const seen = new Set<string>();
    const unique = events.filter((e) => !seen.has(e.messageId) && seen.add(e.messageId));
    const known = this.placeFromMemory(workspaceId, unique);
    if (known && (await this.storeAtOnce(workspaceId, known))) return { stored: known.length, duplicates: events.length - known.length };
    for (let attempt = 1; ; attempt += 1) {
      try {
        const { stored, partitions, identities } = await this.dataSource.transaction((m) => this.store(m, workspaceId, unique));
        for (const [key, profileId] of identities) {
          if (profileId) this.identities.set(key, profileId);
          else this.identities.delete(key);
        }
        await this.stream.wake(partitions);
        return { stored, duplicates: events.length - stored };
      } catch (error) {
        if (attempt >= 4 || !this.worthRetrying(workspaceId, unique, error)) throw error;
      }
    }
  }

  /** The events on their remembered profiles, or null when any needs the database to be placed. */
  private placeFromMemory(workspaceId: string, events: NormalizedEvent[]): PlacedEvent[] | null {
    const placed: PlacedEvent[] = [];
    for (const event of events) {
      if (event.type === 'alias' || event.type === 'group') return null;
      const byUser = event.userId ? this.identities.get(identityKey(workspaceId, 'user', event.userId)) : undefined;
      const byAnonymous = event.anonymousId ? this.identities.get(identityKey(workspaceId, 'anonymous', event.anonymousId)) : undefined;
      if ((event.userId && !byUser) || (event.anonymousId && !byAnonymous) || (byUser && byAnonymous && byUser !== byAnonymous))
        return null;
      placed.push({ event, profileId: (byUser ?? byAnonymous)! });
    }
    return placed.length > 0 ? placed : null;
  }

  /** One statement, no transaction; false when the batch must take the transactional path. */
  private async storeAtOnce(workspaceId: string, placed: PlacedEvent[]): Promise<boolean> {
    const rows = placed.map(eventRow);
    const patches = collectPatches(workspaceId, placed);
    const changes = changeRows(patches.changes);
    try {
      await this.dataSource.query(STORE_BATCH_AT_ONCE, [
        workspaceId,
        JSON.stringify(rows),
        JSON.stringify(patches.profiles),
        JSON.stringify(patches.contactPoints),
        JSON.stringify(changes),
        placed.length,
      ]);
    } catch (error) {
      if (
        pgErrorCode(error) === NOT_ALL_STORED ||
        this.worthRetrying(
          workspaceId,
          placed.map((p) => p.event),
          error,
        )
      )
        return false;
      throw error;
    }
    await this.stream.wake([...new Set([...rows.map((r) => r.partition), ...changes.map((c) => c.partition)])]);
    return true;
  }

  /**
   * Whether a failed attempt to store `events` may be retried: a deadlock or serialisation
   * failure, or a remembered profile that is gone (its identities are forgotten, so the retry
   * places the events from the database).
   */
  private worthRetrying(workspaceId: string, events: NormalizedEvent[], error: unknown): boolean {
    const code = pgErrorCode(error);
    if (code === STALE_PROFILE) this.forget(workspaceId, events);
    return code === STALE_PROFILE || (code !== undefined && RETRYABLE_PG.has(code));
  }

  private forget(workspaceId: string, events: NormalizedEvent[]): void {
    for (const e of events) {
      if (e.userId) this.identities.delete(identityKey(workspaceId, 'user', e.userId));
      if (e.anonymousId) this.identities.delete(identityKey(workspaceId, 'anonymous', e.anonymousId));
    }
  }

  private async store(m: EntityManager, workspaceId: string, events: NormalizedEvent[]) {
    if (events.length === 0) return { stored: 0, partitions: [], identities: [] };
    const { placed, merges, byUser, byAnonymous } = await this.placeOnProfiles(m, workspaceId, events);
    const fresh = await this.insertEvents(m, workspaceId, placed);
    const entries: StreamAppend[] = [];

    // Identity merges said by fresh events (anonymous → known, and aliases), in event order.
    const mergedInto = new Map<string, string>();
    for (const p of fresh) {
      const candidates = [merges.get(p.event.messageId)];
      if (p.event.type === 'alias') candidates.push(await this.profileOfAlias(m, workspaceId, p.event.previousId!));
      for (const from of candidates) {
        if (from && (await mergeAnonymousProfile(m, workspaceId, from, p.profileId))) {
          mergedInto.set(from, p.profileId);
          entries.push({ workspaceId, profileId: p.profileId, kind: 'profile_merged', payload: { mergedProfileId: from } });
        }
      }
    }
    for (const p of fresh) p.profileId = mergedInto.get(p.profileId) ?? p.profileId;
    entries.push(...(await this.applyProfilePatches(m, workspaceId, fresh)));
    // Fresh events are on the stream already (their rows carry the partition); add the changes.
    const partitions = new Set([...fresh.map((p) => partitionOf(p.profileId)), ...(await this.stream.append(m, entries))]);
    // What to remember once committed; an anonymous id whose profile was merged away now
    // belongs to the known profile: it is forgotten (looked up again next time).
    const identities: Array<[string, string | null]> = [
      ...[...byUser].map(([userId, id]): [string, string] => [identityKey(workspaceId, 'user', userId), id]),
      ...[...byAnonymous].map(([anonymousId, id]): [string, string | null] => [
        identityKey(workspaceId, 'anonymous', anonymousId),
        mergedInto.has(id) ? null : id,
      ]),
    ];
    return { stored: fresh.length, partitions: [...partitions], identities };
  }

  /** Finds or creates the profile of every event; notes anonymous profiles to fold into known ones. */
  private async placeOnProfiles(m: EntityManager, workspaceId: string, events: NormalizedEvent[]) {
    const userIds = [...new Set(events.map((e) => e.userId).filter((id): id is string => id !== null))].sort();
    const byUser = this.remembered(workspaceId, 'user', userIds);
    const unknownUsers = userIds.filter((id) => !byUser.has(id));
    if (unknownUsers.length > 0) {
      // Known users are the common case: look them up first, insert only the new ones.
      const select = 'SELECT id, user_id FROM profiles WHERE workspace_id = $1 AND user_id = ANY($2::text[])';
      for (const row of (await m.query(select, [workspaceId, unknownUsers])) as Array<{ id: string; user_id: string }>)
        byUser.set(row.user_id, row.id);
      const missing = unknownUsers.filter((id) => !byUser.has(id));
      if (missing.length > 0) {
        await m.query(
          `INSERT INTO profiles (workspace_id, user_id) SELECT $1, u FROM unnest($2::text[]) u
           ON CONFLICT (workspace_id, user_id) WHERE user_id IS NOT NULL DO NOTHING`,
          [workspaceId, missing],
        );
        for (const row of (await m.query(select, [workspaceId, missing])) as Array<{ id: string; user_id: string }>)
          byUser.set(row.user_id, row.id);
      }
    }

    const anonymousIds = [...new Set(events.map((e) => e.anonymousId).filter((id): id is string => id !== null))].sort();
    const byAnonymous = this.remembered(workspaceId, 'anonymous', anonymousIds);
    const unknownAnonymous = anonymousIds.filter((id) => !byAnonymous.has(id));
    if (unknownAnonymous.length > 0) {
      const rows: Array<{ anonymous_id: string; profile_id: string }> = await m.query(
        'SELECT anonymous_id, profile_id FROM profile_anonymous_ids WHERE workspace_id = $1 AND anonymous_id = ANY($2::text[])',
        [workspaceId, unknownAnonymous],
      );
      for (const row of rows) byAnonymous.set(row.anonymous_id, row.profile_id);
    }

    const newAnonymousProfiles: string[] = [];
    const links = new Map<string, string>(); // anonymousId → profileId, to insert
    const merges = new Map<string, string>(); // messageId → anonymous profile to fold in
    const placed: PlacedEvent[] = events.map((event) => {
      if (event.userId) {
        const profileId = byUser.get(event.userId)!;
        if (event.anonymousId) {
          const known = byAnonymous.get(event.anonymousId);
          if (!known) {
            byAnonymous.set(event.anonymousId, profileId);
            links.set(event.anonymousId, profileId);
          } else if (known !== profileId) {
            merges.set(event.messageId, known);
          }
        }
        return { event, profileId };
      }
      let profileId = byAnonymous.get(event.anonymousId!);
      if (!profileId) {
        profileId = randomUUID();
        newAnonymousProfiles.push(profileId);
        byAnonymous.set(event.anonymousId!, profileId);
        links.set(event.anonymousId!, profileId);
      }
      return { event, profileId };
    });

    if (newAnonymousProfiles.length > 0) {
      await m.query('INSERT INTO profiles (id, workspace_id) SELECT unnest($1::uuid[]), $2', [newAnonymousProfiles, workspaceId]);
    }
    if (links.size > 0) {
      const wanted = [...links.entries()].sort(([a], [b]) => a.localeCompare(b));
      const linked: Array<{ anonymous_id: string }> = await m.query(
        `INSERT INTO profile_anonymous_ids (workspace_id, anonymous_id, profile_id)
         SELECT $1, a, p FROM unnest($2::text[], $3::uuid[]) AS t(a, p)
         ON CONFLICT (workspace_id, anonymous_id) DO NOTHING RETURNING anonymous_id`,
        [workspaceId, wanted.map(([a]) => a), wanted.map(([, p]) => p)],
      );
      const lost = wanted.filter(([a]) => !linked.some((row) => row.anonymous_id === a)).map(([a]) => a);
      if (lost.length > 0) await this.adoptConcurrentLinks(m, workspaceId, lost, placed, merges, newAnonymousProfiles, byAnonymous);
    }
    return { placed, merges, byUser, byAnonymous };
  }

  private remembered(workspaceId: string, kind: 'user' | 'anonymous', ids: string[]): Map<string, string> {
    const found = new Map<string, string>();
    for (const id of ids) {
      const profileId = this.identities.get(identityKey(workspaceId, kind, id));
      if (profileId) found.set(id, profileId);
    }
    return found;
  }

  /**
   * Another batch linked some anonymous ids first (both committed at the same moment): use its
   * profiles instead of the ones this batch created, and drop ours.
   */
  private async adoptConcurrentLinks(
    m: EntityManager,
    workspaceId: string,
    anonymousIds: string[],
    placed: PlacedEvent[],
    merges: Map<string, string>,
    created: string[],
    byAnonymous: Map<string, string>,
  ) {
    const rows: Array<{ anonymous_id: string; profile_id: string }> = await m.query(
      'SELECT anonymous_id, profile_id FROM profile_anonymous_ids WHERE workspace_id = $1 AND anonymous_id = ANY($2::text[])',
      [workspaceId, anonymousIds],
    );
    const owner = new Map(rows.map((r) => [r.anonymous_id, r.profile_id]));
    for (const [anonymousId, profileId] of owner) byAnonymous.set(anonymousId, profileId);
    const orphans = new Set<string>();
    for (const p of placed) {
      const real = p.event.anonymousId ? owner.get(p.event.anonymousId) : undefined;
      if (!real) continue;
      if (p.event.userId) {
        if (real !== p.profileId) merges.set(p.event.messageId, real);
      } else if (real !== p.profileId) {
        if (created.includes(p.profileId)) orphans.add(p.profileId);
        p.profileId = real;
      }
    }
    if (orphans.size > 0) await m.query('DELETE FROM profiles WHERE id = ANY($1::uuid[])', [[...orphans]]);
  }

  /** Inserts events; those whose messageId the workspace already has are skipped. Returns the fresh ones. */
  private async insertEvents(m: EntityManager, workspaceId: string, placed: PlacedEvent[]): Promise<PlacedEvent[]> {
    const rows: Array<{ message_id: string }> = await m.query(`${insertEventsSql('$2')} RETURNING message_id`, [
      workspaceId,
      JSON.stringify(placed.map(eventRow)),
    ]);
    const stored = new Set(rows.map((r) => r.message_id));
    // Copies: merges re-point the fresh events to the known profile.
    return placed.filter((p) => stored.has(p.event.messageId)).map((p) => ({ ...p }));
  }

  private async profileOfAlias(m: EntityManager, workspaceId: string, previousId: string): Promise<string | undefined> {
    const rows: Array<{ id: string }> = await m.query(
      `SELECT profile_id AS id FROM profile_anonymous_ids WHERE workspace_id = $1 AND anonymous_id = $2
       UNION ALL SELECT id FROM profiles WHERE workspace_id = $1 AND user_id = $2 LIMIT 1`,
      [workspaceId, previousId],
    );
    return rows[0]?.id;
  }

  /** Applies traits, contact points, accounts and last-seen times of fresh events, one statement per kind. */
  private async applyProfilePatches(m: EntityManager, workspaceId: string, fresh: PlacedEvent[]): Promise<StreamAppend[]> {
    if (fresh.length === 0) return [];
    const patches = collectPatches(workspaceId, fresh);
    if (patches.accounts.length > 0) await m.query(upsertAccountsSql('$2'), [workspaceId, JSON.stringify(patches.accounts)]);
    await m.query(updateProfilesSql('$2'), [workspaceId, JSON.stringify(patches.profiles)]);
    if (patches.contactPoints.length > 0) await m.query(insertContactPointsSql('$2'), [workspaceId, JSON.stringify(patches.contactPoints)]);
    return patches.changes;
  }
}
