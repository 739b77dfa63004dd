import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { LruCache } from '../../infra/cache/lru-cache.js';

/** What identity resolution reads of a call: who it is about (Segment's userId / anonymousId). */
export interface IdentifiedCall {
  messageId: string;
  type: string;
  userId: string | null;
  anonymousId: string | null;
}

/** A call and the profile it belongs to. */
export interface Placed<C extends IdentifiedCall> {
  event: C;
  profileId: string;
}

export interface Placement<C extends IdentifiedCall> {
  placed: Array<Placed<C>>;
  /** messageId → an anonymous profile the call's known profile absorbs (identify with both ids). */
  merges: Map<string, string>;
  byUser: Map<string, string>;
  byAnonymous: Map<string, string>;
}

/** userIds and anonymousIds whose profile id a process remembers. */
const KNOWN_IDENTITIES = 50_000;

const identityKey = (workspaceId: string, kind: 'user' | 'anonymous', id: string) => `${workspaceId}\u0000${kind}\u0000${id}`;

/**
 * Which profile a call belongs to: by userId, else by anonymousId, creating profiles for new ones
 * and linking anonymous ids to known users. Profile ids of identities seen before are remembered
 * (they change only when a profile is deleted or merged away; callers `forget` them when the
 * database says so). Every statement runs in the caller's transaction.
 */
@Injectable()
export class IdentityResolver {
  private readonly identities = new LruCache<string, string>(KNOWN_IDENTITIES);

  /** The calls on their remembered profiles, or null when any needs the database (new identity, link, alias, group). */
  placeFromMemory<C extends IdentifiedCall>(workspaceId: string, calls: C[]): Array<Placed<C>> | null {
    const placed: Array<Placed<C>> = [];
    for (const event of calls) {
      if (event.type === 'alias' || event.type === 'group') return null;
      const byUser = event.userId ? this.identities.get(identityKey(workspaceId, 'user', event.userId)) : undefined;
      const byAnonymous = event.anonymousId ? this.identities.get(identityKey(workspaceId, 'anonymous', event.anonymousId)) : undefined;
      if ((event.userId && !byUser) || (event.anonymousId && !byAnonymous) || (byUser && byAnonymous && byUser !== byAnonymous))
        return null;
      placed.push({ event, profileId: (byUser ?? byAnonymous)! });
    }
    return placed.length > 0 ? placed : null;
  }

  /** Finds or creates the profile of every call; notes anonymous profiles to fold into known ones. */
  async place<C extends IdentifiedCall>(m: EntityManager, workspaceId: string, calls: C[]): Promise<Placement<C>> {
    const userIds = [...new Set(calls.map((e) => e.userId).filter((id): id is string => id !== null))].sort();
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

    const anonymousIds = [...new Set(calls.map((e) => e.anonymousId).filter((id): id is string => id !== null))].sort();
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
    const placed: Array<Placed<C>> = calls.map((event) => {
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

  /** The profile an alias call's `previousId` names: an anonymous id, or a userId. */
  async profileOfAlias(m: EntityManager, workspaceId: string, previousId: string): Promise<string | undefined> {
    const rows: Array<{ id: string }> = await m.query(
      `SELECT profile_id AS id FROM profile_anonymous_ids WHERE workspace_id = $1 AND anonymous_id = $2
       UNION ALL SELECT id FROM profiles WHERE workspace_id = $1 AND user_id = $2 LIMIT 1`,
      [workspaceId, previousId],
    );
    return rows[0]?.id;
  }

  /**
   * After the placement's transaction committed: its identities are remembered, except anonymous
   * ids whose profile was merged away (they now belong to the known profile: looked up next time).
   */
  remember(
    workspaceId: string,
    placement: Pick<Placement<IdentifiedCall>, 'byUser' | 'byAnonymous'>,
    mergedAway: ReadonlySet<string>,
  ): void {
    for (const [userId, id] of placement.byUser) this.identities.set(identityKey(workspaceId, 'user', userId), id);
    for (const [anonymousId, id] of placement.byAnonymous) {
      const key = identityKey(workspaceId, 'anonymous', anonymousId);
      if (mergedAway.has(id)) this.identities.delete(key);
      else this.identities.set(key, id);
    }
  }

  /** The remembered profiles of these calls are stale (deleted or merged away). */
  forget(workspaceId: string, calls: IdentifiedCall[]): void {
    for (const e of calls) {
      if (e.userId) this.identities.delete(identityKey(workspaceId, 'user', e.userId));
      if (e.anonymousId) this.identities.delete(identityKey(workspaceId, 'anonymous', e.anonymousId));
    }
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
  private async adoptConcurrentLinks<C extends IdentifiedCall>(
    m: EntityManager,
    workspaceId: string,
    anonymousIds: string[],
    placed: Array<Placed<C>>,
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
}
