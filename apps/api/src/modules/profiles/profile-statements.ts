import { fromEpochMs } from '../../infra/database/epoch-ms.js';

/**
 * The statements ingestion runs on profiles and accounts. Each reads its rows from one jsonb
 * parameter (see `ingestion-statements.ts`) and takes the workspace id as $1.
 */

export const upsertAccountsSql = (rows: string) =>
  `INSERT INTO accounts (workspace_id, group_id, traits)
   SELECT $1, group_id, traits FROM jsonb_to_recordset(${rows}::jsonb) AS a(group_id text, traits jsonb)
   ON CONFLICT (workspace_id, group_id) DO UPDATE SET traits = accounts.traits || EXCLUDED.traits, updated_at = now()`;

/**
 * Applies profile patches (`ProfilePatchRow`). A profile is locked and written only when the batch
 * changes it, or moves its last-seen time by more than a minute: track-only batches of active
 * users take no exclusive row lock. Rows are locked in id order, and every profile of the batch is
 * first key-share locked in id order (`keyed`), the lock the events' foreign key takes anyway: taken
 * later, at the end of the statement, after this statement's updates, that lock can wait for
 * another batch that updated the profile while the other batch waits for this one (a deadlock,
 * resolved only after PostgreSQL's deadlock_timeout).
 */
export const updateProfilesSql = (rows: string) =>
  `WITH v AS MATERIALIZED (
     SELECT * FROM jsonb_to_recordset(${rows}::jsonb) AS v(id uuid, traits jsonb, email text, phone text, timezone text, locale text,
                                                          ctz text, cloc text, grp text, seen bigint, changes boolean)
   ), keyed AS MATERIALIZED (
     SELECT p.id FROM profiles p JOIN v ON p.id = v.id ORDER BY p.id FOR KEY SHARE OF p
   ), locked AS MATERIALIZED (
     SELECT p.id FROM profiles p JOIN v ON p.id = v.id
      WHERE (SELECT count(*) FROM keyed) >= 0 AND (v.changes OR p.last_seen_at IS NULL OR p.last_seen_at < ${fromEpochMs('v.seen')} - interval '1 minute'
         OR (v.ctz IS NOT NULL AND p.timezone IS NULL) OR (v.cloc IS NOT NULL AND p.locale IS NULL))
      ORDER BY p.id FOR NO KEY UPDATE OF p
   )
   UPDATE profiles p SET
      traits = p.traits || v.traits,
      email = COALESCE(v.email, p.email),
      phone = COALESCE(v.phone, p.phone),
      timezone = COALESCE(v.timezone, p.timezone, v.ctz),
      locale = COALESCE(v.locale, p.locale, v.cloc),
      account_id = COALESCE((SELECT a.id FROM accounts a WHERE a.workspace_id = $1 AND a.group_id = v.grp), p.account_id),
      last_seen_at = GREATEST(p.last_seen_at, ${fromEpochMs('v.seen')}),
      updated_at = CASE WHEN v.traits <> '{}'::jsonb OR v.grp IS NOT NULL THEN now() ELSE p.updated_at END
    FROM v JOIN locked ON locked.id = v.id
   WHERE p.id = v.id`;
