// Gives every `npm test` run its own PostgreSQL database and Redis key prefix, so runs never
// collide; global-teardown.js drops both. Workers inherit the variables set here.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const ADMIN_URL = process.env.ITINERA_TEST_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export default async function globalSetup() {
  const runId = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const database = `itinera_test_${runId}`;
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  process.env.DATABASE_URL = url.toString();
  process.env.REDIS_URL ??= 'redis://127.0.0.1:6379';
  process.env.REDIS_PREFIX = `itinera_test_${runId}`;
  process.env.NODE_ENV = 'test';
  process.env.LOG_LEVEL ??= 'silent';
  process.env.ITINERA_TEST_RUN_ID = runId;
  process.env.ITINERA_TEST_ADMIN_DATABASE_URL = ADMIN_URL;
}
