import { createHash } from 'node:crypto';
import pg from 'pg';

/** A statement text run this many times in the process is prepared on each connection that runs it. */
const PREPARE_AFTER = 2;
/** Named statements one connection keeps at most (PostgreSQL holds each in the backend's memory). */
const MAX_PER_CONNECTION = 400;
/** Distinct texts counted at most; beyond it, counting starts over (dynamic SQL cannot grow memory). */
const MAX_TRACKED_TEXTS = 5_000;

interface Tracked {
  runs: number;
  name: string;
}

const tracked = new Map<string, Tracked>();

function track(text: string): Tracked {
  let entry = tracked.get(text);
  if (!entry) {
    if (tracked.size >= MAX_TRACKED_TEXTS) tracked.clear();
    entry = { runs: 0, name: `it_${createHash('sha1').update(text).digest('base64url')}` };
    tracked.set(text, entry);
  }
  entry.runs += 1;
  return entry;
}

type QueryFn = (...args: unknown[]) => unknown;

/**
 * The pg client of Itinera's pool: a parameterised statement that the process runs repeatedly is
 * sent as a named prepared statement, so each connection parses and plans it once instead of on
 * every call (for the engine's and ingestion's short statements, planning cost as much as
 * running). Statements without parameters (BEGIN, COMMIT, DDL) go through unchanged.
 *
 * After five runs PostgreSQL may keep one generic plan for a statement, made for the table sizes
 * and statistics of that moment: keep autovacuum on (its auto-analyze invalidates such plans), and
 * the pool renews connections every minute (data-source.ts) so no plan outlives them by much.
 */
export class PreparingClient extends pg.Client {
  private readonly named = new Set<string>();

  constructor(config?: string | pg.ClientConfig) {
    super(config);
    const plain = pg.Client.prototype.query.bind(this) as QueryFn;
    (this as unknown as { query: QueryFn }).query = (config: unknown, values?: unknown, callback?: unknown) => {
      if (typeof config !== 'string' || !Array.isArray(values) || values.length === 0) return plain(config, values, callback);
      const statement = track(config);
      const ready = this.named.has(statement.name);
      if (!ready && (statement.runs < PREPARE_AFTER || this.named.size >= MAX_PER_CONNECTION)) return plain(config, values, callback);
      this.named.add(statement.name);
      return plain({ name: statement.name, text: config, values }, callback);
    };
  }
}
