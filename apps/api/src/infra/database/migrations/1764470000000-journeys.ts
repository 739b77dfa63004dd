import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Journeys with immutable versions, runs, their steps (the timeline) and timers. */
export class Journeys1764470000000 implements MigrationInterface {
  name = 'Journeys1764470000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE journeys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        description text,
        status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'paused', 'archived')),
        draft jsonb NOT NULL,
        draft_updated_at timestamptz NOT NULL DEFAULT now(),
        current_version integer,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (workspace_id, name)
      )`);
    await db.query(`
      CREATE TABLE journey_versions (
        journey_id uuid NOT NULL REFERENCES journeys(id) ON DELETE CASCADE,
        version integer NOT NULL,
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        definition jsonb NOT NULL,
        note text,
        published_at timestamptz NOT NULL DEFAULT now(),
        published_by text,
        PRIMARY KEY (journey_id, version)
      )`);
    await db.query(`
      CREATE FUNCTION journey_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'journey versions are immutable'; END $$`);
    await db.query(
      `CREATE TRIGGER journey_versions_no_update BEFORE UPDATE ON journey_versions FOR EACH ROW EXECUTE FUNCTION journey_versions_immutable()`,
    );
    await db.query(`
      CREATE TABLE journey_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        journey_id uuid NOT NULL REFERENCES journeys(id) ON DELETE CASCADE,
        version integer NOT NULL,
        profile_id uuid NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
        status text NOT NULL CHECK (status IN ('active', 'waiting', 'completed', 'exited', 'cancelled', 'failed')),
        current_node text,
        context jsonb NOT NULL DEFAULT '{}',
        waiting_for text,
        wait jsonb,
        entry_key text,
        lease_until timestamptz,
        entered_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        ended_at timestamptz,
        end_reason text
      )`);
    await db.query(
      `CREATE UNIQUE INDEX journey_runs_one_active ON journey_runs (journey_id, profile_id) WHERE status IN ('active', 'waiting')`,
    );
    await db.query(`CREATE UNIQUE INDEX journey_runs_entry_key ON journey_runs (journey_id, entry_key) WHERE entry_key IS NOT NULL`);
    await db.query(`CREATE INDEX journey_runs_list_idx ON journey_runs (journey_id, entered_at DESC)`);
    await db.query(`CREATE INDEX journey_runs_profile_idx ON journey_runs (profile_id, status)`);
    await db.query(
      `CREATE INDEX journey_runs_waiting_idx ON journey_runs (profile_id, waiting_for) WHERE status = 'waiting' AND waiting_for IS NOT NULL`,
    );
    await db.query(`CREATE INDEX journey_runs_stuck_idx ON journey_runs (updated_at) WHERE status = 'active'`);
    await db.query(`
      CREATE TABLE journey_steps (
        id bigserial PRIMARY KEY,
        run_id uuid NOT NULL REFERENCES journey_runs(id) ON DELETE CASCADE,
        node_id text NOT NULL,
        visit integer NOT NULL,
        node_type text NOT NULL,
        status text NOT NULL CHECK (status IN ('started', 'completed', 'failed', 'waiting')),
        input jsonb,
        output jsonb,
        port text,
        error text,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        UNIQUE (run_id, node_id, visit)
      )`);
    await db.query(`
      CREATE TABLE journey_timers (
        id bigserial PRIMARY KEY,
        run_id uuid NOT NULL REFERENCES journey_runs(id) ON DELETE CASCADE,
        node_id text NOT NULL,
        visit integer NOT NULL,
        kind text NOT NULL CHECK (kind IN ('delay', 'wait_timeout', 'send_retry')),
        due_at timestamptz NOT NULL,
        fired_at timestamptz,
        UNIQUE (run_id, node_id, visit, kind)
      )`);
    await db.query(`CREATE INDEX journey_timers_due_idx ON journey_timers (due_at) WHERE fired_at IS NULL`);
  }

  async down(): Promise<void> {
    throw new Error('Itinera migrations are forward-only');
  }
}
