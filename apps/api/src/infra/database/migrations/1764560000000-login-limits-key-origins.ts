import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Login attempt counters (per account and per client address, one fixed window each), shared by
 * every API process; and the browser origins a write key may be used from (null: any).
 */
export class LoginLimitsKeyOrigins1764560000000 implements MigrationInterface {
  name = 'LoginLimitsKeyOrigins1764560000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE login_attempts (
        key text PRIMARY KEY,
        window_started_at timestamptz NOT NULL,
        attempts integer NOT NULL
      )`);
    await db.query('CREATE INDEX login_attempts_window_idx ON login_attempts (window_started_at)');
    await db.query('ALTER TABLE api_keys ADD COLUMN allowed_origins text[]');
  }

  async down(): Promise<void> {
    throw new Error('Itinera migrations are forward-only');
  }
}
