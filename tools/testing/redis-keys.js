// Plain JavaScript so that Jest's global teardown (loaded without the test transform) can use it too.

/**
 * Deletes every key matching a glob pattern (SCAN, never KEYS); returns how many went.
 * @param {import('ioredis').Redis} redis
 * @param {string} pattern
 * @returns {Promise<number>}
 */
export async function deleteKeysMatching(redis, pattern) {
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length > 0) deleted += await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  return deleted;
}
