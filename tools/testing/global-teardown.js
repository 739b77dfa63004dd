import { Redis } from 'ioredis';
import pg from 'pg';
import { deleteKeysMatching } from './redis-keys.js';

/** Drops every database and Redis key this test run created (the run's id is in their names). */
export default async function globalTeardown() {
  const runId = process.env.ITINERA_TEST_RUN_ID;
  if (!runId) return;
  const client = new pg.Client({ connectionString: process.env.ITINERA_TEST_ADMIN_DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT datname FROM pg_database WHERE datname LIKE $1', [`itinera_test_${runId}%`]);
    for (const { datname } of rows) {
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
  const redis = new Redis(process.env.REDIS_URL);
  try {
    await deleteKeysMatching(redis, `itinera_test_${runId}*`);
  } finally {
    redis.disconnect();
  }
}
