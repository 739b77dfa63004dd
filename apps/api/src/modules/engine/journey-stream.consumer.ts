import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import pg from 'pg';
import type { Logger } from 'pino';
import { AppConfig } from '../../infra/config/app-config.js';
import { ROOT_LOGGER } from '../../infra/logging/logging.module.js';
import { RedisClient } from '../../infra/redis/redis.module.js';
import { EventStream, type StreamPosition } from '../stream/event-stream.service.js';
import { STREAM_PARTITIONS } from '../stream/stream.constants.js';
import { JourneyDefinitions } from './journey-definitions.js';
import { JourneyEntryService } from './journey-entry.service.js';

const CONSUMER = 'journeys';
/** Any fixed number: partition p is owned by whoever holds advisory lock BASE + p. */
const PARTITION_LOCK_BASE = 741_853_000;
const POLL_MS = 250;
const CLAIM_MS = 2000;
const READ_LIMIT = 200;
/**
 * After a wake-up, an empty read is tried again this many times, this far apart: the entry's
 * transaction has committed, but an older transaction still running keeps it from being read.
 */
const WAKE_RETRIES = 4;
const WAKE_RETRY_MS = 20;

/**
 * Consumes the journey hand-off stream in the worker role. Each partition is read by one worker
 * process at a time (a PostgreSQL advisory lock held on a dedicated connection; a dead worker's
 * partitions are taken over within seconds), in order, and its position is committed after the
 * entries are applied (at least once; entering a run is idempotent per event) — on the next poll
 * tick rather than after every entry, so a trickle of events costs no write per event.
 */
@Injectable()
export class JourneyStreamConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private lockClient?: pg.Client;
  private subscriber?: Redis;
  private readonly owned = new Set<number>();
  private readonly positions = new Map<number, StreamPosition>();
  private readonly busy = new Set<number>();
  private readonly pending = new Set<number>();
  /** Partitions whose position moved since it was last committed. */
  private readonly uncommitted = new Set<number>();
  /** Reads left to try again, per partition woken up, while they come back empty. */
  private readonly wakeRetries = new Map<number, number>();
  private timers: NodeJS.Timeout[] = [];
  private stopping = false;
  private claiming = false;

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(EventStream) private readonly stream: EventStream,
    @Inject(JourneyEntryService) private readonly entries: JourneyEntryService,
    @Inject(JourneyDefinitions) private readonly definitions: JourneyDefinitions,
    @Inject(RedisClient) private readonly redis: RedisClient,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.claim();
    this.subscriber = this.redis.duplicate();
    // One connection for both channels: a journey published before an event was sent is
    // announced before that event's wake-up, so the consumer never meets the event first.
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.definitions.changedChannel) {
        this.definitions.forget(message);
        return;
      }
      for (const p of message.split(',').map(Number)) {
        this.wakeRetries.set(p, WAKE_RETRIES);
        this.kick(p);
      }
    });
    await this.subscriber
      .subscribe(this.definitions.changedChannel, this.stream.wakeChannel)
      .catch((err) => this.logger.warn({ err }, 'stream wake-ups unavailable; polling only'));
    this.timers.push(
      setInterval(() => {
        void this.commitPositions();
        this.owned.forEach((p) => this.kick(p));
      }, POLL_MS),
    );
    this.timers.push(setInterval(() => void this.claim().catch(() => undefined), CLAIM_MS));
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.timers.forEach(clearInterval);
    while (this.busy.size > 0) await new Promise((r) => setTimeout(r, 20));
    await this.commitPositions();
    await this.subscriber?.quit().catch(() => undefined);
    await this.lockClient?.end().catch(() => undefined);
  }

  /**
   * The connection whose session holds the partition locks. Only its own failure releases what it
   * held: a late error of an older connection must not orphan the current one (which would keep
   * its locks while nobody here owns them, and no one could claim those partitions again).
   */
  private async connectLockClient(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.config.DATABASE_URL, connectionTimeoutMillis: 5000, query_timeout: 10_000 });
    client.on('error', (err) => this.dropLockClient(client, err));
    await client.connect();
    return client;
  }

  private dropLockClient(client: pg.Client, err: unknown): void {
    if (this.lockClient !== client) return;
    this.logger.warn({ err }, 'partition lock connection lost; partitions will be claimed again');
    this.lockClient = undefined;
    this.owned.clear();
    void client.end().catch(() => undefined);
  }

  /** Tries to take partitions nobody holds (one attempt at a time). */
  private async claim(): Promise<void> {
    if (this.stopping || this.claiming) return;
    this.claiming = true;
    try {
      this.lockClient ??= await this.connectLockClient();
      const client = this.lockClient;
      for (let p = 0; p < STREAM_PARTITIONS; p += 1) {
        if (this.owned.has(p)) continue;
        let ok: boolean;
        try {
          ok = (await client.query('SELECT pg_try_advisory_lock($1) AS ok', [PARTITION_LOCK_BASE + p])).rows[0].ok;
        } catch (error) {
          // Whether the lock was taken is unknown: the session goes, and its locks with it.
          this.dropLockClient(client, error);
          throw error;
        }
        if (!ok) continue;
        // The position is known before the partition counts as owned: a poll or a wake-up arriving
        // meanwhile must not read it from nowhere.
        try {
          this.positions.set(p, await this.stream.position(CONSUMER, p));
        } catch (error) {
          await client.query('SELECT pg_advisory_unlock($1)', [PARTITION_LOCK_BASE + p]).catch(() => this.dropLockClient(client, error));
          throw error;
        }
        this.owned.add(p);
        this.kick(p);
      }
    } finally {
      this.claiming = false;
    }
  }

  private kick(partition: number): void {
    if (this.stopping || !this.owned.has(partition)) return;
    if (this.busy.has(partition)) {
      this.pending.add(partition);
      return;
    }
    this.busy.add(partition);
    void this.drain(partition)
      .then((applied) => {
        const retries = this.wakeRetries.get(partition) ?? 0;
        if (applied > 0 || retries === 0) {
          this.wakeRetries.delete(partition);
          return;
        }
        this.wakeRetries.set(partition, retries - 1);
        setTimeout(() => this.kick(partition), WAKE_RETRY_MS).unref();
      })
      .catch((err) => this.logger.error({ err, partition }, 'journey stream partition failed; retrying'))
      .finally(() => {
        this.busy.delete(partition);
        if (this.pending.delete(partition)) this.kick(partition);
      });
  }

  /** Applies what the partition has for now; returns how many entries. */
  private async drain(partition: number): Promise<number> {
    let applied = 0;
    for (;;) {
      const position = this.positions.get(partition)!;
      const batch = await this.stream.read(partition, position, READ_LIMIT);
      for (const entry of batch) {
        if (this.stopping || !this.owned.has(partition)) return applied;
        await this.entries.handle(entry);
        this.positions.set(partition, { xid: entry.xid, id: entry.id });
        this.uncommitted.add(partition);
        applied += 1;
      }
      // A short page was the end for now: what arrives meanwhile wakes the partition again.
      if (batch.length < READ_LIMIT) return applied;
    }
  }

  /** Records how far each partition got (positions only move forward; a lost commit means re-delivery). */
  private async commitPositions(): Promise<void> {
    for (const partition of [...this.uncommitted]) {
      this.uncommitted.delete(partition);
      const position = this.positions.get(partition)!;
      await this.stream.commit(CONSUMER, partition, position).catch((err) => {
        this.uncommitted.add(partition);
        this.logger.warn({ err, partition }, 'could not record the journey stream position; retrying');
      });
    }
  }
}
