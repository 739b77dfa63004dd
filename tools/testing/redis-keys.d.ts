import type { Redis } from 'ioredis';

/** Deletes every key matching a glob pattern (SCAN, never KEYS); returns how many went. */
export function deleteKeysMatching(redis: Redis, pattern: string): Promise<number>;
