import type { Redis } from 'ioredis';
import pg from 'pg';
import type { Logger } from 'pino';
import type { EventStream, StreamEntry, StreamPosition } from './event-stream.service.js';
import { STREAM_PARTITIONS } from './stream.constants.js';

export interface PartitionedConsumerOptions {
  /** The consumer's name: its positions are kept under it. */
  name: string;
  /** Any fixed number: partition p is owned by whoever holds advisory lock `lockBase + p`. */
  lockBase: number;
  databaseUrl: string;
  stream: EventStream;
  /** A Redis connection to duplicate for the subscription (wake-ups and `channels`). */
  redis: Redis;
  logger: Logger;
  /** Applies a page of entries, in order (at least once: applying a page again must change nothing). */
  handlePage(entries: StreamEntry[]): Promise<void>;
  /**
   * More Redis channels on the wake-up connection, with their handlers: a message published on
   * one of them before an entry's wake-up is received before it.
   */
  channels?: Record<string, (message: string) => void>;
}

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
 * Reads the stream for one named consumer across processes. Each partition is read by one process
 * at a time (a PostgreSQL advisory lock held on a dedicated connection; a dead process's
 * partitions are taken over within seconds), in order, and its position is committed after the
 * entries are applied (at least once) — on the next poll tick rather than after every entry, so a
 * trickle of events costs no write per event. Redis wake-ups start a read at once; polling covers
 * lost wake-ups.
 */
export class PartitionedConsumer {
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

  constructor(private readonly options: PartitionedConsumerOptions) {}

  /** The partitions this process owns now. */
  get ownedPartitions(): ReadonlySet<number> {
    return this.owned;
  }

  async start(): Promise<void> {
    const { stream, logger } = this.options;
    await this.claim();
    this.subscriber = this.options.redis.duplicate();
    const channels = this.options.channels ?? {};
    this.subscriber.on('message', (channel: string, message: string) => {
      const extra = channels[channel];
      if (extra) {
        extra(message);
        return;
      }
      for (const p of message.split(',').map(Number)) {
        this.wakeRetries.set(p, WAKE_RETRIES);
        this.kick(p);
      }
    });
    await this.subscriber
      .subscribe(...Object.keys(channels), stream.wakeChannel)
      .catch((err) => logger.warn({ err }, 'stream wake-ups unavailable; polling only'));
    this.timers.push(
      setInterval(() => {
        void this.commitPositions();
        this.owned.forEach((p) => this.kick(p));
      }, POLL_MS),
    );
    this.timers.push(setInterval(() => void this.claim().catch(() => undefined), CLAIM_MS));
  }

  /** Stops reading, lets the entries in hand finish, records positions and gives up the partitions. */
  async stop(): Promise<void> {
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
    const client = new pg.Client({ connectionString: this.options.databaseUrl, connectionTimeoutMillis: 5000, query_timeout: 10_000 });
    client.on('error', (err) => this.dropLockClient(client, err));
    await client.connect();
    return client;
  }

  private dropLockClient(client: pg.Client, err: unknown): void {
    if (this.lockClient !== client) return;
    this.options.logger.warn({ err }, 'partition lock connection lost; partitions will be claimed again');
    this.lockClient = undefined;
    this.owned.clear();
    void client.end().catch(() => undefined);
  }

  /** Tries to take partitions nobody holds (one attempt at a time). */
  private async claim(): Promise<void> {
    if (this.stopping || this.claiming) return;
    this.claiming = true;
    const { lockBase, stream, name } = this.options;
    try {
      this.lockClient ??= await this.connectLockClient();
      const client = this.lockClient;
      for (let p = 0; p < STREAM_PARTITIONS; p += 1) {
        if (this.owned.has(p)) continue;
        let ok: boolean;
        try {
          ok = (await client.query('SELECT pg_try_advisory_lock($1) AS ok', [lockBase + p])).rows[0].ok;
        } catch (error) {
          // Whether the lock was taken is unknown: the session goes, and its locks with it.
          this.dropLockClient(client, error);
          throw error;
        }
        if (!ok) continue;
        // The position is known before the partition counts as owned: a poll or a wake-up arriving
        // meanwhile must not read it from nowhere.
        try {
          this.positions.set(p, await stream.position(name, p));
        } catch (error) {
          await client.query('SELECT pg_advisory_unlock($1)', [lockBase + p]).catch(() => this.dropLockClient(client, error));
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
      .catch((err) => this.options.logger.error({ err, partition, consumer: this.options.name }, 'stream partition failed; retrying'))
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
      const batch = await this.options.stream.read(partition, position, READ_LIMIT);
      if (batch.length > 0) {
        if (this.stopping || !this.owned.has(partition)) return applied;
        await this.options.handlePage(batch);
        const last = batch[batch.length - 1];
        this.positions.set(partition, { xid: last.xid, id: last.id });
        this.uncommitted.add(partition);
        applied += batch.length;
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
      await this.options.stream.commit(this.options.name, partition, position).catch((err) => {
        this.uncommitted.add(partition);
        this.options.logger.warn({ err, partition, consumer: this.options.name }, 'could not record the stream position; retrying');
      });
    }
  }
}
