import { Redis } from 'ioredis';
import pg from 'pg';

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
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `itinera_test_${runId}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
