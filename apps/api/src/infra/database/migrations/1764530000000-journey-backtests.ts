import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Back-tests of journeys: a background job per request, with its progress and its report. */
export class JourneyBacktests1764530000000 implements MigrationInterface {
  name = 'JourneyBacktests1764530000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE journey_backtests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        journey_id uuid NOT NULL REFERENCES journeys(id) ON DELETE CASCADE,
        version integer,
        definition jsonb NOT NULL,
        params jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'cancelled', 'failed')),
        progress jsonb NOT NULL DEFAULT '{}',
        result jsonb,
        error text,
        created_by text,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        heartbeat_at timestamptz,
        finished_at timestamptz
      )`);
    await db.query(`CREATE INDEX journey_backtests_journey_idx ON journey_backtests (journey_id, created_at DESC)`);
    await db.query(`CREATE INDEX journey_backtests_pending_idx ON journey_backtests (created_at) WHERE status IN ('queued', 'running')`);
  }

  async down(): Promise<void> {
    throw new Error('Itinera migrations are forward-only');
  }
}
