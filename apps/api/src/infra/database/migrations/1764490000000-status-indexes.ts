import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Partial indexes on a status (`WHERE status = 'active'`, `WHERE fired_at IS NULL`) tempted the
 * planner into scanning them for look-ups by id that also test the status: when the statistics
 * said few runs were active (analysed before a burst of entries), the one-row primary-key look-up
 * lost to "the small partial index", which in fact held every active run. These indexes now state
 * their condition as a CASE expression, which a look-up by id never implies, so only the queries
 * written for them use them. The unused index of waiting runs by awaited event is dropped (entry
 * reads a profile's in-flight runs through `journey_runs_profile_idx`).
 */
export class StatusIndexes1764490000000 implements MigrationInterface {
  name = 'StatusIndexes1764490000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE UNIQUE INDEX journey_runs_in_flight_key ON journey_runs (journey_id, profile_id)
                    WHERE (CASE WHEN status IN ('active', 'waiting') THEN true ELSE false END)`);
    await db.query('DROP INDEX journey_runs_one_active');
    await db.query(`CREATE INDEX journey_runs_stalled_idx ON journey_runs ((CASE WHEN status = 'active' THEN updated_at END))
                    WHERE (CASE WHEN status = 'active' THEN updated_at END) IS NOT NULL`);
    await db.query('DROP INDEX journey_runs_stuck_idx');
    await db.query('DROP INDEX journey_runs_waiting_idx');
    await db.query(`CREATE INDEX journey_timers_pending_idx ON journey_timers ((CASE WHEN fired_at IS NULL THEN due_at END))
                    WHERE (CASE WHEN fired_at IS NULL THEN due_at END) IS NOT NULL`);
    await db.query('DROP INDEX journey_timers_due_idx');
  }

  async down(): Promise<void> {
    throw new Error('Itinera migrations are forward-only');
  }
}
