import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { LruCache } from '../../infra/cache/lru-cache.js';
import { mergeAnonymousProfile } from '../profiles/profile-merger.js';
import { type ContactPointInput, extractProfileFacts } from '../profiles/profile-facts.js';
import { EventStream, type StreamAppend } from '../stream/event-stream.service.js';
import { partitionOf } from '../stream/stream.constants.js';
import type { JsonObject, NormalizedEvent } from './segment-event.js';

export interface IngestResult {
  stored: number;
  duplicates: number;
}

interface Placed {
  event: NormalizedEvent;
  profileId: string;
  eventId?: string;
}

interface ProfilePatch {
  traits: JsonObject;
  email?: string;
  phone?: string;
  timezone?: string;
  locale?: string;
  /** From an event's context: used only when the profile has none yet. */
  contextTimezone?: string;
  contextLocale?: string;
  accountGroupId?: string;
  lastSeenAt?: Date;
  contactPoints: ContactPointInput[];
}

const RETRYABLE_PG = new Set(['40P01', '40001']);
/** A cached profile id whose profile was deleted (erased, or merged away): the events' foreign key says so. */
const STALE_PROFILE = '23503';
/** userIds and anonymousIds whose profile id a process remembers. */
const KNOWN_IDENTITIES = 50_000;

const identityKey = (workspaceId: string, kind: 'user' | 'anonymous', id: string) => `${workspaceId}\u0000${kind}\u0000${id}`;

/**
 * Stores validated events exactly once and applies what they say about profiles, in one
 * transaction per batch; a stored event is on the journey stream by its row. The profile ids of
 * userIds and anonymousIds seen before are remembered (they change only when a profile is deleted
 * or merged away, which the events' foreign key reports: the batch is then placed again from the
 * database), so a batch of known users reads no profile before storing its events. A repeated messageId is ignored
 * by the unique (workspace_id, message_id) constraint, so retries never double-count.
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
        const code = (error as { driverError?: { code?: string }; code?: string }).driverError?.code ?? (error as { code?: string }).code;
        if (code === STALE_PROFILE) this.forget(workspaceId, unique);
        if (attempt >= 4 || !code || !(RETRYABLE_PG.has(code) || code === STALE_PROFILE)) throw error;
      }
    }
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
      ...[...byAnonymous].map(([anonymousId, id]): [string, string | null] => [identityKey(workspaceId, 'anonymous', anonymousId), mergedInto.has(id) ? null : id]),
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
      for (const row of (await m.query(select, [workspaceId, unknownUsers])) as Array<{ id: string; user_id: string }>) byUser.set(row.user_id, row.id);
      const missing = unknownUsers.filter((id) => !byUser.has(id));
      if (missing.length > 0) {
        await m.query(
          `INSERT INTO profiles (workspace_id, user_id) SELECT $1, u FROM unnest($2::text[]) u
           ON CONFLICT (workspace_id, user_id) WHERE user_id IS NOT NULL DO NOTHING`,
          [workspaceId, missing],
        );
        for (const row of (await m.query(select, [workspaceId, missing])) as Array<{ id: string; user_id: string }>) byUser.set(row.user_id, row.id);
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
    const placed: Placed[] = events.map((event) => {
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
    placed: Placed[],
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
  private async insertEvents(m: EntityManager, workspaceId: string, placed: Placed[]): Promise<Placed[]> {
    const e = placed.map((p) => p.event);
    const rows: Array<{ id: string; message_id: string }> = await m.query(
      `INSERT INTO events (workspace_id, message_id, type, event, name, profile_id, user_id, anonymous_id, group_id, previous_id,
                           properties, traits, context, timestamp, original_timestamp, sent_at, received_at, partition)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::text[], $8::text[], $9::text[],
                                $10::text[], $11::jsonb[], $12::jsonb[], $13::jsonb[], $14::timestamptz[], $15::timestamptz[],
                                $16::timestamptz[], $17::timestamptz[], $18::smallint[])
       ON CONFLICT (workspace_id, message_id) DO NOTHING
       RETURNING id::text, message_id`,
      [
        workspaceId,
        e.map((x) => x.messageId),
        e.map((x) => x.type),
        e.map((x) => x.event),
        e.map((x) => x.name),
        placed.map((p) => p.profileId),
        e.map((x) => x.userId),
        e.map((x) => x.anonymousId),
        e.map((x) => x.groupId),
        e.map((x) => x.previousId),
        e.map((x) => JSON.stringify(x.properties)),
        e.map((x) => JSON.stringify(x.traits)),
        e.map((x) => JSON.stringify(x.context)),
        e.map((x) => x.timestamp.toISOString()),
        e.map((x) => x.originalTimestamp?.toISOString() ?? null),
        e.map((x) => x.sentAt?.toISOString() ?? null),
        e.map((x) => x.receivedAt.toISOString()),
        placed.map((p) => partitionOf(p.profileId)),
      ],
    );
    const ids = new Map(rows.map((r) => [r.message_id, r.id]));
    return placed.filter((p) => ids.has(p.event.messageId)).map((p) => ({ ...p, eventId: ids.get(p.event.messageId) }));
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
  private async applyProfilePatches(m: EntityManager, workspaceId: string, fresh: Placed[]): Promise<StreamAppend[]> {
    const patches = new Map<string, ProfilePatch>();
    const accountTraits = new Map<string, JsonObject>();
    for (const { event, profileId } of fresh) {
      const patch = patches.get(profileId) ?? { traits: {}, contactPoints: [] };
      patches.set(profileId, patch);
      if (!patch.lastSeenAt || event.timestamp > patch.lastSeenAt) patch.lastSeenAt = event.timestamp;
      const context = extractProfileFacts({}, event.context);
      patch.contextTimezone = context.timezone ?? patch.contextTimezone;
      patch.contextLocale = context.locale ?? patch.contextLocale;
      patch.contactPoints.push(...context.contactPoints);
      if (event.type === 'identify') {
        Object.assign(patch.traits, event.traits);
        const facts = extractProfileFacts(event.traits);
        Object.assign(patch, {
          email: facts.email ?? patch.email,
          phone: facts.phone ?? patch.phone,
          timezone: facts.timezone ?? patch.timezone,
          locale: facts.locale ?? patch.locale,
        });
        patch.contactPoints.push(...facts.contactPoints);
      }
      if (event.type === 'group') {
        patch.accountGroupId = event.groupId!;
        accountTraits.set(event.groupId!, { ...accountTraits.get(event.groupId!), ...event.traits });
      }
    }

    const groupIds = [...accountTraits.keys()].sort();
    if (groupIds.length > 0) {
      await m.query(
        `INSERT INTO accounts (workspace_id, group_id, traits) SELECT $1, g, t FROM unnest($2::text[], $3::jsonb[]) AS x(g, t)
         ON CONFLICT (workspace_id, group_id) DO UPDATE SET traits = accounts.traits || EXCLUDED.traits, updated_at = now()`,
        [workspaceId, groupIds, groupIds.map((g) => JSON.stringify(accountTraits.get(g)))],
      );
    }

    // A profile is locked and written only when the batch changes it, or moves its last-seen time
    // by more than a minute: track-only batches of active users then take no row lock at all. The
    // rows are locked in id order (no deadlock between batches) and written in the same statement.
    const candidates = [...patches.keys()].sort();
    const list = candidates.map((id) => patches.get(id)!);
    const changes = (p: ProfilePatch) =>
      Boolean(Object.keys(p.traits).length > 0 || p.email || p.phone || p.timezone || p.locale || p.accountGroupId);
    await m.query(
      `WITH v AS MATERIALIZED (
         SELECT * FROM unnest($2::uuid[], $3::jsonb[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::timestamptz[], $12::boolean[])
                AS v(id, traits, email, phone, timezone, locale, ctz, cloc, grp, seen, changes)
       ), locked AS MATERIALIZED (
         SELECT p.id FROM profiles p JOIN v ON p.id = v.id
          WHERE v.changes OR p.last_seen_at IS NULL OR p.last_seen_at < v.seen - interval '1 minute'
             OR (v.ctz IS NOT NULL AND p.timezone IS NULL) OR (v.cloc IS NOT NULL AND p.locale IS NULL)
          ORDER BY p.id FOR NO KEY UPDATE OF p
       )
       UPDATE profiles p SET
          traits = p.traits || v.traits,
          email = COALESCE(v.email, p.email),
          phone = COALESCE(v.phone, p.phone),
          timezone = COALESCE(v.timezone, p.timezone, v.ctz),
          locale = COALESCE(v.locale, p.locale, v.cloc),
          account_id = COALESCE((SELECT a.id FROM accounts a WHERE a.workspace_id = $1 AND a.group_id = v.grp), p.account_id),
          last_seen_at = GREATEST(p.last_seen_at, v.seen),
          updated_at = CASE WHEN v.traits <> '{}'::jsonb OR v.grp IS NOT NULL THEN now() ELSE p.updated_at END
        FROM v JOIN locked ON locked.id = v.id
       WHERE p.id = v.id`,
      [
        workspaceId,
        candidates,
        list.map((p) => JSON.stringify(p.traits)),
        list.map((p) => p.email ?? null),
        list.map((p) => p.phone ?? null),
        list.map((p) => p.timezone ?? null),
        list.map((p) => p.locale ?? null),
        list.map((p) => p.contextTimezone ?? null),
        list.map((p) => p.contextLocale ?? null),
        list.map((p) => p.accountGroupId ?? null),
        list.map((p) => p.lastSeenAt?.toISOString() ?? null),
        list.map(changes),
      ],
    );

    const points = candidates.flatMap((id) => patches.get(id)!.contactPoints.map((cp) => ({ ...cp, profileId: id })));
    if (points.length > 0) {
      await m.query(
        `INSERT INTO contact_points (workspace_id, profile_id, channel, value, metadata, source)
         SELECT $1, p, c, v, md, 'event' FROM unnest($2::uuid[], $3::text[], $4::text[], $5::jsonb[]) AS x(p, c, v, md)
         ON CONFLICT (profile_id, channel, value) DO NOTHING`,
        [workspaceId, points.map((p) => p.profileId), points.map((p) => p.channel), points.map((p) => p.value), points.map((p) => JSON.stringify(p.metadata ?? {}))],
      );
    }

    return candidates
      .filter((id) => Object.keys(patches.get(id)!.traits).length > 0 || patches.get(id)!.accountGroupId)
      .map((id) => ({
        workspaceId,
        profileId: id,
        kind: 'profile_updated' as const,
        payload: { traits: Object.keys(patches.get(id)!.traits), accountGroupId: patches.get(id)!.accountGroupId ?? null },
      }));
  }
}
