import { fromEpochMs } from '../../infra/database/epoch-ms.js';
import { addNewContactPointsSql } from '../profiles/contact-points.js';
import { updateProfilesSql } from '../profiles/profile-statements.js';
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
  points AS (${addNewContactPointsSql('$4')}),
  changes AS (${appendChangesSql('$5')})
SELECT itinera_require_all_stored((SELECT count(*) FROM stored), $6::integer) AS stored`;
