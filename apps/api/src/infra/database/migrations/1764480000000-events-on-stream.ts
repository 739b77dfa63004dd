import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stored events are their own stream entries: an event row carries its stream partition and the
 * id of the transaction that wrote it, so ingestion writes one row per event instead of two.
 * `stream_entries` keeps the profile changes and takes its ids from the events' sequence, which
 * keeps the `(xid, id)` order of one transaction's events and changes across both tables.
 * Rows stored before this migration keep `partition` NULL: they were published as entries.
 */
export class EventsOnStream1764480000000 implements MigrationInterface {
  name = 'EventsOnStream1764480000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE events ADD COLUMN partition smallint, ADD COLUMN xid xid8');
    await db.query('ALTER TABLE events ALTER COLUMN xid SET DEFAULT pg_current_xact_id()');
    await db.query('CREATE INDEX events_stream_idx ON events (partition, xid, id) WHERE partition IS NOT NULL');
    await db.query(
      `SELECT setval('events_id_seq', GREATEST((SELECT COALESCE(max(id), 0) FROM events), (SELECT COALESCE(max(id), 0) FROM stream_entries), 1))`,
    );
    await db.query(`ALTER TABLE stream_entries ALTER COLUMN id SET DEFAULT nextval('events_id_seq')`);
    // The workspace is implied by the profile (whose own key names it); checking it again on every
    // event only added a shared lock on the workspace row to each ingest transaction.
    await db.query('ALTER TABLE events DROP CONSTRAINT events_workspace_id_fkey');
  }

  async down(): Promise<void> {
    throw new Error('Itinera migrations are forward-only');
  }
}
