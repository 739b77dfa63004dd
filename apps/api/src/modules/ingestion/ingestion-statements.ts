import { appendChangesSql } from '../stream/event-stream.service.js';
import { partitionOf } from '../stream/stream.constants.js';
import type { PlacedEvent } from './profile-patches.js';

/**
 * The statements that store a batch. Each reads its rows from one jsonb parameter (a JSON array
 * built by `JSON.stringify`, cheaper on both sides than one text array per column) and takes the
 * workspace id as $1; the same texts run one by one inside a transaction, or together as the
 * data-modifying parts of `STORE_BATCH_AT_ONCE`.
 */

/**
 * An event as the row `insertEventsSql` reads. Times travel as epoch milliseconds: a Date in the
 * rows (its toJSON) would take JSON.stringify off its fast path, four times slower for a batch.
 */
export const eventRow = ({ event: e, profileId }: PlacedEvent) => ({
  message_id: e.messageId,
  type: e.type,
  event: e.event,
  name: e.name,
  profile_id: profileId,
  user_id: e.userId,
  anonymous_id: e.anonymousId,
  group_id: e.groupId,
  previous_id: e.previousId,
  properties: e.properties,
  traits: e.traits,
  context: e.context,
  timestamp: e.timestamp.getTime(),
  original_timestamp: e.originalTimestamp?.getTime() ?? null,
  sent_at: e.sentAt?.getTime() ?? null,
  received_at: e.receivedAt.getTime(),
  partition: partitionOf(profileId),
});

/** A timestamptz from epoch milliseconds; whole seconds and milliseconds apart, so exact up to year 9999. */
const fromEpochMs = (column: string) => `(to_timestamp(${column} / 1000) + (${column} % 1000) * interval '1 millisecond')`;

/** Stores events (on the journey stream by their `partition`); a messageId the workspace has is skipped. */
export const insertEventsSql = (rows: string) =>
  `INSERT INTO events (workspace_id, message_id, type, event, name, profile_id, user_id, anonymous_id, group_id, previous_id,
                       properties, traits, context, timestamp, original_timestamp, sent_at, received_at, partition)
   SELECT $1, message_id, type, event, name, profile_id, user_id, anonymous_id, group_id, previous_id, properties, traits, context,
          ${fromEpochMs('e.timestamp')}, ${fromEpochMs('e.original_timestamp')}, ${fromEpochMs('e.sent_at')}, ${fromEpochMs('e.received_at')}, partition
     FROM jsonb_to_recordset(${rows}::jsonb) AS e(message_id text, type text, event text, name text, profile_id uuid,
          user_id text, anonymous_id text, group_id text, previous_id text, properties jsonb, traits jsonb, context jsonb,
          timestamp bigint, original_timestamp bigint, sent_at bigint, received_at bigint, partition smallint)
   ON CONFLICT (workspace_id, message_id) DO NOTHING`;

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

/**
 * Adds contact points a profile does not have yet. Known ones (an e-mail in every identify, a push
 * token in every mobile event) are filtered out before the insert: an insert that meets another
 * batch's uncommitted insert of the same point waits for that batch to end, which, with the
 * profile rows both batches lock, can deadlock.
 */
export const insertContactPointsSql = (rows: string) =>
  `INSERT INTO contact_points (workspace_id, profile_id, channel, value, metadata, source)
   SELECT $1, c.profile_id, c.channel, c.value, c.metadata, 'event'
     FROM jsonb_to_recordset(${rows}::jsonb) AS c(profile_id uuid, channel text, value text, metadata jsonb)
    WHERE NOT EXISTS (SELECT 1 FROM contact_points k WHERE k.profile_id = c.profile_id AND k.channel = c.channel AND k.value = c.value)
   ON CONFLICT (profile_id, channel, value) DO NOTHING`;

/** SQLSTATE raised by `itinera_require_all_stored` (migration `IngestAtOnce`). */
export const NOT_ALL_STORED = 'IT001';

/**
 * A whole batch of events of known profiles in one statement, without a transaction around it:
 * events ($2), profile patches ($3), contact points ($4) and profile changes on the stream ($5).
 * The patches assume every event is new, so when any messageId was stored before (an SDK retry)
 * the statement fails with NOT_ALL_STORED and stores nothing; the caller then takes the
 * transactional path, which works out what the new events change. $6 is the number of events.
 * Accounts are not part of it: a profile patch reads the account its group call creates.
 */
export const STORE_BATCH_AT_ONCE = `WITH stored AS (${insertEventsSql('$2')} RETURNING 1),
  profiles_patched AS (${updateProfilesSql('$3')}),
  points AS (${insertContactPointsSql('$4')}),
  changes AS (${appendChangesSql('$5')})
SELECT itinera_require_all_stored((SELECT count(*) FROM stored), $6::integer) AS stored`;
