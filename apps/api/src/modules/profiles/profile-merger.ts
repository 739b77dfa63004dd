import type { EntityManager } from 'typeorm';
import { partitionOf } from '../stream/stream.constants.js';
import { copyContactPoints } from './contact-points.js';

/**
 * Folds an anonymous profile into a known one (identify/alias with both ids): its events,
 * anonymous ids and contact points move over, its traits fill gaps (the known profile's win),
 * then it is deleted. Returns false when `fromId` is not (or no longer) an anonymous profile.
 */
export async function mergeAnonymousProfile(m: EntityManager, workspaceId: string, fromId: string, intoId: string): Promise<boolean> {
  if (fromId === intoId) return false;
  const locked: Array<{ id: string; user_id: string | null }> = await m.query(
    'SELECT id, user_id FROM profiles WHERE workspace_id = $1 AND id = ANY($2::uuid[]) ORDER BY id FOR UPDATE',
    [workspaceId, [fromId, intoId]],
  );
  const from = locked.find((p) => p.id === fromId);
  if (!from || from.user_id !== null || !locked.some((p) => p.id === intoId)) return false;
  await m.query(
    `UPDATE profiles p SET traits = f.traits || p.traits,
            email = COALESCE(p.email, f.email), phone = COALESCE(p.phone, f.phone),
            timezone = COALESCE(p.timezone, f.timezone), locale = COALESCE(p.locale, f.locale),
            account_id = COALESCE(p.account_id, f.account_id),
            created_at = LEAST(p.created_at, f.created_at),
            last_seen_at = GREATEST(p.last_seen_at, f.last_seen_at), updated_at = now()
       FROM profiles f WHERE p.id = $1 AND f.id = $2`,
    [intoId, fromId],
  );
  // Events this transaction stored are not on the stream yet: they move to the known profile's
  // partition. Earlier ones were published in their own partition and stay there.
  await m.query(
    `UPDATE events SET profile_id = $1, partition = CASE WHEN partition IS NOT NULL AND xid = pg_current_xact_id() THEN $3 ELSE partition END
      WHERE profile_id = $2`,
    [intoId, fromId, partitionOf(intoId)],
  );
  await m.query('UPDATE profile_anonymous_ids SET profile_id = $1 WHERE profile_id = $2', [intoId, fromId]);
  await copyContactPoints(m, fromId, intoId);
  await m.query('DELETE FROM profiles WHERE id = $1', [fromId]);
  return true;
}
