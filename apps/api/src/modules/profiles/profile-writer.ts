import type { EntityManager } from 'typeorm';
import type { StreamAppend } from '../stream/event-stream.service.js';
import { type ContactPointInput, extractProfileFacts } from './profile-facts.js';

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
  if (points.length > 0) {
    await m.query(
      `INSERT INTO contact_points (workspace_id, profile_id, channel, value, metadata, source)
       SELECT $1, p, c, v, md, 'api' FROM unnest($2::uuid[], $3::text[], $4::text[], $5::jsonb[]) AS x(p, c, v, md)
       ON CONFLICT (profile_id, channel, value) DO UPDATE SET metadata = EXCLUDED.metadata`,
      [
        workspaceId,
        points.map((p) => p.profileId),
        points.map((p) => p.channel),
        points.map((p) => p.value),
        points.map((p) => JSON.stringify(p.metadata ?? {})),
      ],
    );
  }
  const entries = rows.map((row): StreamAppend => ({
    workspaceId,
    profileId: ids.get(row.userId)!,
    kind: 'profile_updated',
    payload: { traits: Object.keys(row.traits), source: 'api' },
  }));
  return { ids, entries };
}
