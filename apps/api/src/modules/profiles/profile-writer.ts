import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { EventStream, type StreamAppend } from '../stream/event-stream.service.js';
import { type ContactPointInput, upsertContactPoints } from './contact-points.js';
import { extractProfileFacts } from './profile-facts.js';

export interface ProfileInput {
  userId: string;
  traits: Record<string, unknown>;
  timezone?: string;
  locale?: string;
  contactPoints?: ContactPointInput[];
}

/**
 * Writes profiles given through the management API or a bulk import: one statement for all
 * rows. `merge` adds traits to the stored ones (a trait set to null is removed); `replace`
 * makes the given traits the profile's traits. Rows must have distinct userIds.
 */
export async function upsertProfiles(
  m: EntityManager,
  workspaceId: string,
  rows: ProfileInput[],
  mode: 'merge' | 'replace',
): Promise<{ ids: Map<string, string>; entries: StreamAppend[] }> {
  const facts = rows.map((row) => extractProfileFacts(row.traits));
  const nullKeys = rows.map((row) => Object.keys(row.traits).filter((key) => row.traits[key] === null));
  const traits = rows.map((row) => Object.fromEntries(Object.entries(row.traits).filter(([, value]) => value !== null)));
  const result: Array<{ id: string; user_id: string }> = await m.query(
    `INSERT INTO profiles (workspace_id, user_id, traits, email, phone, timezone, locale)
     SELECT $1, u, t, e, p, tz, l FROM unnest($2::text[], $3::jsonb[], $4::text[], $5::text[], $6::text[], $7::text[]) AS x(u, t, e, p, tz, l)
     ON CONFLICT (workspace_id, user_id) WHERE user_id IS NOT NULL DO UPDATE SET
       traits = ${mode === 'merge' ? 'profiles.traits || EXCLUDED.traits' : 'EXCLUDED.traits'},
       email = ${mode === 'merge' ? 'COALESCE(EXCLUDED.email, profiles.email)' : 'EXCLUDED.email'},
       phone = ${mode === 'merge' ? 'COALESCE(EXCLUDED.phone, profiles.phone)' : 'EXCLUDED.phone'},
       timezone = COALESCE(EXCLUDED.timezone, profiles.timezone),
       locale = COALESCE(EXCLUDED.locale, profiles.locale),
       updated_at = now()
     RETURNING id, user_id`,
    [
      workspaceId,
      rows.map((r) => r.userId),
      traits.map((t) => JSON.stringify(t)),
      facts.map((f) => f.email ?? null),
      facts.map((f) => f.phone ?? null),
      rows.map((r, i) => r.timezone ?? facts[i].timezone ?? null),
      rows.map((r, i) => r.locale ?? facts[i].locale ?? null),
    ],
  );
  const ids = new Map(result.map((r) => [r.user_id, r.id]));
  for (const [i, keys] of nullKeys.entries()) {
    if (keys.length > 0) await m.query('UPDATE profiles SET traits = traits - $2::text[] WHERE id = $1', [ids.get(rows[i].userId), keys]);
  }
  const points = rows.flatMap((row, i) =>
    [...facts[i].contactPoints, ...(row.contactPoints ?? [])].map((cp) => ({ ...cp, profileId: ids.get(row.userId)! })),
  );
  await upsertContactPoints(m, workspaceId, points);
  const entries = rows.map((row): StreamAppend => ({
    workspaceId,
    profileId: ids.get(row.userId)!,
    kind: 'profile_updated',
    payload: { traits: Object.keys(row.traits), source: 'api' },
  }));
  return { ids, entries };
}

/** Where a trait write came from, as recorded on the stream's `profile_updated` entry. */
export interface TraitSource {
  source: 'journey';
  journeyId: string;
}

/** Trait writes from inside the core (a journey's update_profile or ai node), published on the stream like any profile change. */
@Injectable()
export class ProfileWriter {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(EventStream) private readonly stream: EventStream,
  ) {}

  /** Adds (or overwrites) traits of one profile; the change and its stream entry commit together. */
  async setTraits(workspaceId: string, profileId: string, traits: Record<string, unknown>, origin: TraitSource): Promise<void> {
    const partitions = await this.dataSource.transaction(async (m) => {
      await m.query('UPDATE profiles SET traits = traits || $2::jsonb, updated_at = now() WHERE id = $1', [
        profileId,
        JSON.stringify(traits),
      ]);
      return this.stream.append(m, [
        { workspaceId, profileId, kind: 'profile_updated', payload: { traits: Object.keys(traits), ...origin } },
      ]);
    });
    await this.stream.wake(partitions);
  }
}
