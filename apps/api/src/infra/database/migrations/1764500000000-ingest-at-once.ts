import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ingestion stores a batch of known profiles' events in one statement (`STORE_BATCH_AT_ONCE`),
 * whose profile patches hold only if every event in it is new. This function lets that statement
 * fail, and so store nothing, when some messageId was stored before (an SDK retry): the API then
 * stores the batch on its transactional path. PostgreSQL's log shows each such retry as an ERROR
 * with SQLSTATE IT001; it is expected.
 */
export class IngestAtOnce1764500000000 implements MigrationInterface {
  name = 'IngestAtOnce1764500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE FUNCTION itinera_require_all_stored(stored bigint, expected integer) RETURNS bigint
      LANGUAGE plpgsql AS $$
      BEGIN
        IF stored <> expected THEN
          RAISE EXCEPTION 'ingestion: % of % events were stored before; Itinera stores this batch in a transaction instead', expected - stored, expected
            USING ERRCODE = 'IT001';
        END IF;
        RETURN stored;
      END $$`);
  }

  async down(): Promise<void> {
    throw new Error('Itinera migrations are forward-only');
  }
}
