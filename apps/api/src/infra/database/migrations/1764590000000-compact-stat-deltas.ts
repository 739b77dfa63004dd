import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A statement that records several counts at once (an advance's steps, a run's entry) appends
 * one `journey_stat_deltas` row holding them all (`counts`, the rows of `deltaRows`) instead of
 * one row per count: a tenth of the rows to write, index and fold. Rows of one count keep their
 * columns; the roll-up folds both.
 */
export class CompactStatDeltas1764590000000 implements MigrationInterface {
  name = 'CompactStatDeltas1764590000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE journey_stat_deltas
        ADD COLUMN counts jsonb,
        ALTER COLUMN metric DROP NOT NULL,
        ADD CONSTRAINT journey_stat_deltas_one_form CHECK ((metric IS NULL) <> (counts IS NULL))`);
  }

  async down(): Promise<void> {
    throw new Error('Itinera migrations are forward-only');
  }
}
