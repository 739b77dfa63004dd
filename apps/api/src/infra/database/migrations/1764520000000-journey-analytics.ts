import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Journey analytics as maintained aggregates. Every statement that records a step, a run's entry
 * or end, or a message status appends its counts to `journey_stat_deltas` in the same statement
 * (exactly once with what it counts; insert-only, so concurrent writers never wait on a counter
 * row); a worker folds them into per-minute `journey_stats` and deletes them in one transaction.
 */
export class JourneyAnalytics1764520000000 implements MigrationInterface {
  name = 'JourneyAnalytics1764520000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE journey_stat_deltas (
        id bigserial PRIMARY KEY,
        journey_id uuid NOT NULL,
        version integer NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        metric text NOT NULL,
        node_id text NOT NULL DEFAULT '',
        port text NOT NULL DEFAULT '',
        n bigint NOT NULL DEFAULT 1,
        total double precision NOT NULL DEFAULT 0
      )`);
    await db.query(`
      CREATE TABLE journey_stats (
        journey_id uuid NOT NULL REFERENCES journeys(id) ON DELETE CASCADE,
        version integer NOT NULL,
        bucket timestamptz NOT NULL,
        metric text NOT NULL,
        node_id text NOT NULL,
        port text NOT NULL,
        n bigint NOT NULL,
        total double precision NOT NULL,
        PRIMARY KEY (journey_id, version, bucket, metric, node_id, port)
      )`);
  }

  async down(): Promise<void> {
    throw new Error('Itinera migrations are forward-only');
  }
}
