import type { EntityManager } from 'typeorm';

/** The channels a profile keeps contact points for (in-app and webhook need none). */
export const CONTACT_CHANNELS = ['email', 'sms', 'push', 'slack', 'teams'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

export interface ContactPointInput {
  channel: ContactChannel;
  value: string;
  metadata?: Record<string, unknown>;
}

/** Where a contact point came from: an event's traits or context, or the management API / an import. */
export type ContactPointSource = 'event' | 'api';

type Queryable = Pick<EntityManager, 'query'>;

/**
 * Every statement on `contact_points`. Points are unique per (profile, channel, value); what a
 * writer does with one that exists differs by source: events only add points a profile lacks
 * (`addNewContactPointsSql`), the API also replaces their metadata (`upsertContactPoints`).
 */

/**
 * Adds contact points a profile does not have yet, reading `(profile_id, channel, value, metadata)`
 * rows from the jsonb parameter `rows`; $1 is the workspace. Known ones (an e-mail in every
 * identify, a push token in every mobile event) are filtered out before the insert: an insert that
 * meets another batch's uncommitted insert of the same point waits for that batch to end, which,
 * with the profile rows both batches lock, can deadlock.
 */
export const addNewContactPointsSql = (rows: string) =>
  `INSERT INTO contact_points (workspace_id, profile_id, channel, value, metadata, source)
   SELECT $1, c.profile_id, c.channel, c.value, c.metadata, 'event'
     FROM jsonb_to_recordset(${rows}::jsonb) AS c(profile_id uuid, channel text, value text, metadata jsonb)
    WHERE NOT EXISTS (SELECT 1 FROM contact_points k WHERE k.profile_id = c.profile_id AND k.channel = c.channel AND k.value = c.value)
   ON CONFLICT (profile_id, channel, value) DO NOTHING`;

/** Adds points given through the API or an import; a point the profile has gets the new metadata. */
export async function upsertContactPoints(
  m: Queryable,
  workspaceId: string,
  points: Array<ContactPointInput & { profileId: string }>,
): Promise<void> {
  if (points.length === 0) return;
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

/** A merge: the anonymous profile's points go to the known one (those it has already stay as they are). */
export async function copyContactPoints(m: Queryable, fromProfileId: string, intoProfileId: string): Promise<void> {
  await m.query(
    `INSERT INTO contact_points (workspace_id, profile_id, channel, value, metadata, source, created_at)
     SELECT workspace_id, $1, channel, value, metadata, source, created_at FROM contact_points WHERE profile_id = $2
     ON CONFLICT (profile_id, channel, value) DO NOTHING`,
    [intoProfileId, fromProfileId],
  );
}

/** Removes one point of a profile named by userId; false when there is no such point. */
export async function removeContactPoint(m: Queryable, workspaceId: string, userId: string, contactPointId: string): Promise<boolean> {
  const result: [unknown[], number] = await m.query(
    `DELETE FROM contact_points c USING profiles p
      WHERE c.id = $3 AND c.profile_id = p.id AND p.workspace_id = $1 AND p.user_id = $2 RETURNING c.id`,
    [workspaceId, userId, contactPointId],
  );
  return result[0].length > 0;
}

/** Push tokens the provider reported as unregistered: they are dropped so no later send uses them. */
export async function dropPushTokens(m: Queryable, profileId: string, tokens: string[]): Promise<void> {
  await m.query("DELETE FROM contact_points WHERE profile_id = $1 AND channel = 'push' AND value = ANY($2::text[])", [profileId, tokens]);
}

/** The channels a profile has at least one contact point on. */
export async function contactChannelsOf(m: Queryable, workspaceId: string, profileId: string): Promise<string[]> {
  const rows: Array<{ channel: string }> = await m.query(
    'SELECT DISTINCT channel FROM contact_points WHERE workspace_id = $1 AND profile_id = $2',
    [workspaceId, profileId],
  );
  return rows.map((r) => r.channel);
}
