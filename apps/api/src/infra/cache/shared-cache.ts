import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { AppConfig } from '../config/app-config.js';
import { LruCache } from './lru-cache.js';
import { ROOT_LOGGER } from '../logging/logging.module.js';
import { RedisClient } from '../redis/redis.module.js';

/** How long a cached value is used at most when no change was announced (Redis unreachable when it changed, a missed message). */
export const SHARED_CACHE_MAX_AGE_MS = 10_000;

/**
 * One cache of `SharedCaches`: values by key (a workspace id, or a workspace id and a name), each
 * loaded once and kept for at most `maxAgeMs`. `changed(key)`, called by the code that wrote the
 * change after it committed, forgets the key here at once and in every other process within a
 * Redis round trip.
 */
export class SharedCache<V> {
  private readonly entries: LruCache<string, { value: V; at: number }>;
  /** Bumped when a key is forgotten: a load that began before does not store its (older) value. */
  private readonly generations = new Map<string, number>();
  private generation = 0;

  constructor(
    readonly name: string,
    private readonly announce: (name: string, key: string) => Promise<void>,
    private readonly maxAgeMs = SHARED_CACHE_MAX_AGE_MS,
    private readonly maxEntries = 10_000,
  ) {
    this.entries = new LruCache(maxEntries);
  }

  async get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && Date.now() - hit.at < this.maxAgeMs) return hit.value;
    const before = this.generationOf(key);
    const value = await load();
    if (this.generationOf(key) === before) this.entries.set(key, { value, at: Date.now() });
    return value;
  }

  /** After the value of `key` changed in PostgreSQL (committed): forgotten here and announced to every process. */
  async changed(key: string): Promise<void> {
    this.forget(key);
    await this.announce(this.name, key);
  }

  forget(key: string): void {
    this.entries.delete(key);
    this.generations.set(key, (this.generations.get(key) ?? 0) + 1);
    if (this.generations.size > this.maxEntries) this.generations.clear();
  }

  forgetAll(): void {
    this.entries.clear();
    this.generations.clear();
    this.generation += 1;
  }

  private generationOf(key: string): string {
    return `${this.generation}:${this.generations.get(key) ?? 0}`;
  }
}

/**
 * Per-process caches of what the send path reads for every message and people change rarely —
 * delivery settings, providers (with their secrets unsealed once), topics, template heads — kept
 * consistent across API and worker processes by announcing each change on one Redis channel.
 * When the subscription drops, every cache is emptied once it is back (changes may have been
 * missed meanwhile); without Redis, values are at most `SHARED_CACHE_MAX_AGE_MS` old.
 */
@Injectable()
export class SharedCaches implements OnApplicationShutdown {
  private readonly caches = new Map<string, SharedCache<unknown>>();
  private subscriber?: Redis;

  constructor(
    @Inject(RedisClient) private readonly redis: RedisClient,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  private get channel(): string {
    return `${this.config.REDIS_PREFIX}:cache:changed`;
  }

  cache<V>(name: string, maxAgeMs?: number): SharedCache<V> {
    if (this.caches.has(name)) throw new Error(`shared cache "${name}" exists already`);
    const cache = new SharedCache<V>(name, (n, key) => this.announce(n, key), maxAgeMs);
    this.caches.set(name, cache as SharedCache<unknown>);
    this.subscribe();
    return cache;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }

  private async announce(name: string, key: string): Promise<void> {
    await this.redis.publish(this.channel, JSON.stringify([name, key])).catch((err: unknown) => {
      this.logger.warn(
        { err, cache: name },
        `could not announce a change; other processes see it within ${SHARED_CACHE_MAX_AGE_MS / 1000} s`,
      );
    });
  }

  private subscribe(): void {
    if (this.subscriber) return;
    const subscriber = this.redis.duplicate();
    this.subscriber = subscriber;
    let subscribedOnce = false;
    subscriber.on('message', (_channel: string, message: string) => {
      try {
        const [name, key] = JSON.parse(message) as [string, string];
        this.caches.get(name)?.forget(key);
      } catch {
        // Not ours: ignored.
      }
    });
    subscriber.on('ready', () => {
      // ioredis subscribes again after a reconnect; what changed while it was away is unknown.
      if (subscribedOnce) for (const cache of this.caches.values()) cache.forgetAll();
      subscribedOnce = true;
    });
    subscriber.subscribe(this.channel).catch((err: unknown) => {
      this.logger.warn({ err }, `cache change announcements unavailable; cached values live ${SHARED_CACHE_MAX_AGE_MS / 1000} s`);
    });
  }
}
