/**
 * Itinera ingestion benchmark: `/v1/batch` with 100-event batches at rising concurrency against a
 * throwaway PostgreSQL database and Redis prefix, with the same run's baseline (raw multi-row `pg`
 * inserts of the same events into a copy of the `events` table). See README.md in this folder.
 *
 * Run it with `npm run bench:ingest` (builds the API first), or, once the API is built, directly on
 * the project's Node 22, which strips the types: `node --experimental-strip-types tools/bench/ingest.ts`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { type ApiProcess, startApiProcess } from '../testing/api-process.ts';
import { STREAM_PARTITIONS } from '../../apps/api/src/modules/stream/stream.constants.ts';
import {
  ADMIN_URL,
  cpuBetween,
  dropRunData,
  fmt,
  out,
  percentile,
  positive,
  REDIS_URL,
  randomAlnum,
  redisVersion,
  runIdentity,
  sampleCpu,
  table,
} from './harness.ts';

// ───────────────────────────── options ─────────────────────────────

const HELP = `Usage: node tools/bench/ingest.ts [options]   (or: npm run bench:ingest -- [options])

  --levels <list>     concurrency levels, comma-separated          (default 1,4,8,16,32)
  --seconds <n>       seconds per level through /v1/batch           (default 8)
  --raw-seconds <n>   seconds per level of raw pg inserts           (default 4)
  --warmup <n>        warm-up seconds before the first level        (default 3)
  --batch-size <n>    events per batch and per raw INSERT           (default 100)
  --users <n>         distinct userIds                              (default 1000)
  --keep              keep the database and Redis keys (prints their names)
  -h, --help

Environment: ITINERA_BENCH_ADMIN_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres),
REDIS_URL (default redis://127.0.0.1:6379). The API must be built (apps/api/dist/main.js).`;

const { values: args } = parseArgs({
  options: {
    levels: { type: 'string', default: '1,4,8,16,32' },
    seconds: { type: 'string', default: '8' },
    'raw-seconds': { type: 'string', default: '4' },
    warmup: { type: 'string', default: '3' },
    'batch-size': { type: 'string', default: '100' },
    users: { type: 'string', default: '1000' },
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});
if (args.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}

const LEVELS = args.levels.split(',').map((s) => Math.round(positive('levels', s.trim())));
const LEVEL_MS = positive('seconds', args.seconds) * 1000;
const RAW_LEVEL_MS = positive('raw-seconds', args['raw-seconds']) * 1000;
const WARMUP_MS = Number(args.warmup) > 0 ? Number(args.warmup) * 1000 : 0;
const BATCH_SIZE = Math.round(positive('batch-size', args['batch-size']));
const USERS = Math.round(positive('users', args.users));
if (BATCH_SIZE > 2500) {
  process.stderr.write('--batch-size is at most 2500, the /v1/batch limit\n');
  process.exit(2);
}

const TARGET_EVENTS_PER_SECOND = 5000;
const TARGET_RATIO = 0.5;

// ───────────────────────────── run identity ─────────────────────────────

const { runId: RUN_ID, database: DATABASE, redisPrefix: REDIS_PREFIX, databaseUrl } = runIdentity();
const WRITE_KEY = `itn_wk_${randomAlnum(24)}`;

// ───────────────────────────── events ─────────────────────────────

const EVENT_NAMES = [
  'Product Viewed',
  'Product Added',
  'Cart Viewed',
  'Checkout Started',
  'Order Completed',
  'Products Searched',
  'Feature Used',
  'Page Scrolled',
];
const CATEGORIES = ['Outdoor / Camping', 'Outdoor / Climbing', 'Home / Kitchen', 'Home / Office', 'Sports / Running'];
const PLANS = ['free', 'starter', 'pro', 'enterprise'];
const LIBRARY = { name: 'analytics-node', version: '3.1.0' };

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)];
const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** ~300 bytes of JSON, the shape of an e-commerce track call. */
function trackProperties(): Record<string, unknown> {
  const sku = hex(4);
  return {
    product_id: `prd_${sku}`,
    sku: `SKU-${sku.toUpperCase()}`,
    category: pick(CATEGORIES),
    name: 'Ultralight Tent 2P, green',
    brand: 'Northwind',
    price: Math.round(Math.random() * 50_000) / 100,
    currency: 'EUR',
    quantity: 1 + Math.floor(Math.random() * 3),
    position: Math.floor(Math.random() * 24),
    coupon: Math.random() < 0.1 ? 'SPRING10' : null,
    url: `https://shop.example.com/products/${sku}?utm_source=newsletter`,
  };
}

const userId = (i: number) => `user-${String(i).padStart(5, '0')}`;

interface SdkEvent {
  type: 'track' | 'identify';
  messageId: string;
  userId: string;
  anonymousId: string;
  event?: string;
  properties?: Record<string, unknown>;
  traits?: Record<string, unknown>;
  timestamp: string;
  context: Record<string, unknown>;
}

interface SdkBatch {
  batch: SdkEvent[];
  /** Each event's user number (the bench's own bookkeeping, not sent). */
  users: number[];
  sentAt: string;
  context: Record<string, unknown>;
}

/** One event as an SDK sends it: ~90% track, ~10% identify with a few traits. */
function sdkEvent(messageId: string, now: string, u: number): SdkEvent {
  const common = {
    messageId,
    userId: userId(u),
    anonymousId: `anon-${String(u).padStart(5, '0')}`,
    timestamp: now,
    context: { ip: `203.0.113.${u % 250}`, locale: 'en-US', timezone: 'Europe/Paris' },
  };
  if (Math.random() < 0.1) {
    const traits = { email: `${userId(u)}@example.com`, name: `User ${u}`, plan: pick(PLANS), logins: 1 + Math.floor(Math.random() * 200) };
    return { type: 'identify', ...common, traits };
  }
  return { type: 'track', ...common, event: pick(EVENT_NAMES), properties: trackProperties() };
}

/** A batch as the SDKs send it: library context and sentAt at the top level, unique messageIds. */
function sdkBatch(tag: string, seq: () => number): SdkBatch {
  const now = new Date().toISOString();
  const users = Array.from({ length: BATCH_SIZE }, () => Math.floor(Math.random() * USERS));
  return { batch: users.map((u) => sdkEvent(`${RUN_ID}-${tag}-${seq()}`, now, u)), users, sentAt: now, context: { library: LIBRARY } };
}

/** The JSON body of a batch. */
const batchBody = ({ batch, sentAt, context }: SdkBatch) => JSON.stringify({ batch, sentAt, context });

// ───────────────────────────── measurement helpers ─────────────────────────────

/** CPU used during a level, in cores: `api`, `postgres` (this database's backends), `bench` (this process) and `machine`. */
type CpuSplit = Record<'api' | 'postgres' | 'bench' | 'machine', number>;

interface LevelResult {
  concurrency: number;
  batches: number;
  events: number;
  errors: number;
  firstError?: string;
  seconds: number;
  p50: number;
  p95: number;
  p99: number;
  cpu: CpuSplit;
}

/** Keeps `concurrency` requests in flight until the time is up; the level ends when the last one returns. */
async function runLevel(concurrency: number, durationMs: number, apiPid: number, send: () => Promise<number>): Promise<LevelResult> {
  const latencies: number[] = [];
  let events = 0;
  let errors = 0;
  let firstError: string | undefined;
  const before = sampleCpu({ api: apiPid }, DATABASE);
  const deadline = before.at + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline && !interrupted) {
        const started = performance.now();
        try {
          const stored = await send();
          latencies.push(performance.now() - started);
          events += stored;
        } catch (error) {
          errors += 1;
          firstError ??= error instanceof Error ? error.message : String(error);
          if (errors > 20 && latencies.length === 0) throw new Error(`every request fails: ${firstError}`);
        }
      }
    }),
  );
  const after = sampleCpu({ api: apiPid }, DATABASE);
  latencies.sort((a, b) => a - b);
  return {
    concurrency,
    batches: latencies.length,
    events,
    errors,
    firstError,
    seconds: (after.at - before.at) / 1000,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    cpu: cpuBetween(before, after) as CpuSplit,
  };
}

/**
 * Samples, every 50 ms, what this database's busy backends are doing (pg_stat_activity): running
 * (CPU), waiting on a lock or on I/O, or idle inside a transaction, i.e. waiting for the API's
 * next statement. `stop` returns each state's share of the busy-backend samples, largest first.
 */
function sampleBackendStates(client: pg.Client): { stop(): Promise<string> } {
  const counts = new Map<string, number>();
  let total = 0;
  let running = true;
  const loop = (async () => {
    while (running && !interrupted) {
      const { rows } = await client.query(
        `SELECT CASE WHEN state = 'idle in transaction' THEN 'idle in transaction'
                     ELSE coalesce(wait_event_type || ':' || wait_event, 'running') END AS what, count(*)::int AS n
           FROM pg_stat_activity
          WHERE datname = $1 AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction')
          GROUP BY 1`,
        [DATABASE],
      );
      for (const row of rows as Array<{ what: string; n: number }>) {
        counts.set(row.what, (counts.get(row.what) ?? 0) + row.n);
        total += row.n;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  })().catch(() => undefined); // the connection closes when the run is interrupted
  return {
    async stop() {
      running = false;
      await loop;
      if (total === 0) return 'no busy backend seen';
      return [...counts.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 5)
        .map(([what, n]) => `${what} ${Math.round((n / total) * 100)}%`)
        .join(', ');
    },
  };
}

// ───────────────────────────── the two contenders ─────────────────────────────

/** Keep-alive connections for the load generator, one per request in flight. */
const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 256 });

/** POSTs a JSON body with node:http (far less client CPU per request than fetch, on the same two cores). */
function post(url: URL, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: 'POST', agent: keepAlive, headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

function apiSender(url: string, tag: string) {
  let seq = 0;
  const endpoint = new URL('/v1/batch', url);
  const headers = { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}` };
  return async (): Promise<number> => {
    const batch = sdkBatch(tag, () => seq++);
    const count = batch.batch.length;
    const { status, text } = await post(endpoint, headers, batchBody(batch));
    if (status !== 200) throw new Error(`HTTP ${status}: ${text.slice(0, 300)}`);
    const result = JSON.parse(text) as { accepted: number; duplicates: number; rejected: unknown[] };
    if (result.accepted !== count) throw new Error(`accepted ${result.accepted} of ${count}: ${text.slice(0, 300)}`);
    return result.accepted;
  };
}

const RAW_COLUMNS = [
  'workspace_id',
  'message_id',
  'type',
  'event',
  'name',
  'profile_id',
  'user_id',
  'anonymous_id',
  'group_id',
  'previous_id',
  'properties',
  'traits',
  'context',
  'timestamp',
  'original_timestamp',
  'sent_at',
  'received_at',
  'partition',
] as const;

function rawInsertSql(rows: number): string {
  const values = Array.from({ length: rows }, (_, r) => `(${RAW_COLUMNS.map((_, c) => `$${r * RAW_COLUMNS.length + c + 1}`).join(', ')})`);
  return `INSERT INTO bench_raw (${RAW_COLUMNS.join(', ')}) VALUES ${values.join(', ')}`;
}

/**
 * The baseline: the same events, the row the API would store for each (same columns, values and
 * JSON), 100 rows per multi-row INSERT, each its own transaction, on a pool of `concurrency`.
 */
function rawSender(pool: pg.Pool, workspaceId: string, profiles: string[], tag: string) {
  let seq = 0;
  const sql = rawInsertSql(BATCH_SIZE);
  return async (): Promise<number> => {
    const batch = sdkBatch(tag, () => seq++);
    const receivedAt = new Date().toISOString();
    const params: unknown[] = [];
    batch.batch.forEach((e, i) => {
      const u = batch.users[i];
      params.push(
        workspaceId,
        e.messageId,
        e.type,
        e.event ?? null,
        null,
        profiles[u],
        e.userId,
        e.anonymousId,
        null,
        null,
        JSON.stringify(e.properties ?? {}),
        JSON.stringify(e.traits ?? {}),
        JSON.stringify({ ...batch.context, ...e.context }),
        e.timestamp,
        e.timestamp,
        batch.sentAt,
        receivedAt,
        u % STREAM_PARTITIONS,
      );
    });
    const result = await pool.query(sql, params);
    return result.rowCount ?? 0;
  };
}

// ───────────────────────────── lifecycle ─────────────────────────────

let api: ApiProcess | undefined;
/** Set while the API starts, so an interruption then still stops it (it would recreate the database). */
let apiStarting: Promise<ApiProcess> | undefined;
let admin: pg.Client | undefined;
let db: pg.Client | undefined;
let rawPool: pg.Pool | undefined;
let databaseCreated = false;
let cleaning: Promise<void> | undefined;
let interrupted = false;

/** Stops the API, closes connections, drops the database and the run's Redis keys. Idempotent. */
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    api ??= await apiStarting?.catch(() => undefined);
    keepAlive.destroy();
    if (api) {
      const stopping = api.stop('SIGTERM');
      const killer = setTimeout(() => api?.child.kill('SIGKILL'), 10_000);
      await stopping;
      clearTimeout(killer);
    }
    await rawPool?.end().catch(() => undefined);
    await db?.end().catch(() => undefined);
    if (args.keep) {
      out(`Kept database ${DATABASE} and Redis keys ${REDIS_PREFIX}* (write key ${WRITE_KEY}).`);
      await admin?.end().catch(() => undefined);
      return;
    }
    await dropRunData(admin, DATABASE, databaseCreated, REDIS_PREFIX);
  })();
  return cleaning;
}

function abort(why: string): void {
  if (interrupted) return;
  interrupted = true;
  process.stderr.write(`\n${why}: cleaning up (database ${DATABASE}, Redis ${REDIS_PREFIX}*)…\n`);
  void cleanup().finally(() => process.exit(130));
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => abort(signal));
process.on('unhandledRejection', (error) => abort(`unexpected error ${error instanceof Error ? error.message : String(error)}`));

// ───────────────────────────── main ─────────────────────────────

async function main(): Promise<number> {
  admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5000 });
  await admin.connect();
  const serverVersion = (await admin.query('SHOW server_version')).rows[0].server_version as string;
  const syncCommit = (await admin.query('SHOW synchronous_commit')).rows[0].synchronous_commit as string;
  databaseCreated = true; // before, so that an interruption during CREATE still drops it
  await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(DATABASE)}`);

  const cpus = os.cpus();
  out('Itinera ingestion benchmark: POST /v1/batch vs raw multi-row pg INSERTs');
  out(
    `machine   ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), ${fmt(os.totalmem() / 2 ** 30, 1)} GiB, load avg ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  out(`software  Node ${process.version}, PostgreSQL ${serverVersion} (synchronous_commit=${syncCommit}), Redis ${await redisVersion()}`);
  out(`run       database ${DATABASE}, Redis prefix ${REDIS_PREFIX}`);
  out(
    `workload  ${BATCH_SIZE} events per batch, ${fmt(USERS)} users, ~90% track / ~10% identify; levels ${LEVELS.join(', ')}; ${LEVEL_MS / 1000} s per level (raw ${RAW_LEVEL_MS / 1000} s)`,
  );

  const started = performance.now();
  apiStarting = startApiProcess(
    {
      ITINERA_ROLE: 'api',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      ITINERA_SECRET: randomAlnum(48),
      ITINERA_BOOTSTRAP_WRITE_KEY: WRITE_KEY,
      ITINERA_DEMO: 'false',
      DATABASE_URL: databaseUrl,
      REDIS_URL,
      REDIS_PREFIX,
    },
    60_000,
  );
  api = await apiStarting;
  if (interrupted) return 130;
  const apiPid = api.child.pid!;
  out(`api       ${api.url} (pid ${apiPid}, ready in ${fmt((performance.now() - started) / 1000, 1)} s)`);

  db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const workspaceId = (await db.query("SELECT workspace_id FROM api_keys WHERE key_hash = encode(sha256($1::bytea), 'hex')", [WRITE_KEY]))
    .rows[0]?.workspace_id as string | undefined;
  if (!workspaceId) throw new Error('The bootstrap write key is not in the database: did the API start with ITINERA_BOOTSTRAP_WRITE_KEY?');
  await db.query('CREATE TABLE bench_raw (LIKE events INCLUDING ALL)');
  const profiles = Array.from({ length: USERS }, () => randomUUID());

  const sample = sdkBatch('sample', () => 0);
  const sampleTrack = sample.batch.find((e) => e.type === 'track') ?? sample.batch[0];
  const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));
  out(
    `event     ~${fmt(bytes(sampleTrack.properties ?? {}))} B of properties, ~${fmt(bytes(sampleTrack))} B per track event, ~${fmt(Buffer.byteLength(batchBody(sample)) / 1024)} KB per batch`,
  );
  out();

  if (WARMUP_MS > 0) {
    out(`warming up ${WARMUP_MS / 1000} s at concurrency 4 (creates the profiles; not measured)…`);
    await runLevel(4, WARMUP_MS, apiPid, apiSender(api.url, 'w'));
    if (interrupted) return 130;
    rawPool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
    await runLevel(4, Math.min(WARMUP_MS, 1000), apiPid, rawSender(rawPool, workspaceId, profiles, 'w'));
    await rawPool.end();
    rawPool = undefined;
  }
  // What autovacuum's auto-analyze does on a production server (this machine's PostgreSQL may run
  // without it): statistics of the warmed-up tables, so that plans are made for their real sizes.
  await db.query('ANALYZE');

  const results: Array<{ api: LevelResult; raw: LevelResult; waits: string }> = [];
  for (const concurrency of LEVELS) {
    process.stdout.write(`concurrency ${String(concurrency).padStart(3)}: /v1/batch… `);
    const sampler = sampleBackendStates(db);
    const apiResult = await runLevel(concurrency, LEVEL_MS, apiPid, apiSender(api.url, `c${concurrency}`));
    const waits = await sampler.stop();
    if (interrupted) return 130;
    process.stdout.write(`${fmt(apiResult.events / apiResult.seconds)} ev/s, p99 ${fmt(apiResult.p99)} ms; raw pg… `);
    rawPool = new pg.Pool({ connectionString: databaseUrl, max: concurrency });
    const rawResult = await runLevel(concurrency, RAW_LEVEL_MS, apiPid, rawSender(rawPool, workspaceId, profiles, `r${concurrency}`));
    await rawPool.end();
    rawPool = undefined;
    out(`${fmt(rawResult.events / rawResult.seconds)} ev/s`);
    for (const [what, r] of [
      ['/v1/batch', apiResult],
      ['raw pg', rawResult],
    ] as const) {
      if (r.errors > 0) out(`  ${what}: ${r.errors} failed batches; first: ${r.firstError}`);
    }
    results.push({ api: apiResult, raw: rawResult, waits });
  }

  // Verify: what the responses said was accepted must be stored in `events` AND published on the stream.
  const countBy = async (sql: string, params: unknown[]) =>
    new Map(((await db!.query(sql, params)).rows as Array<{ tag: string; n: string }>).map((r) => [r.tag, Number(r.n)]));
  const stored = await countBy(
    "SELECT split_part(message_id, '-', 2) AS tag, count(*) AS n FROM events WHERE workspace_id = $1 GROUP BY 1",
    [workspaceId],
  );
  const published = await countBy(
    "SELECT split_part(message_id, '-', 2) AS tag, count(*) AS n FROM events WHERE workspace_id = $1 AND partition IS NOT NULL GROUP BY 1",
    [workspaceId],
  );
  const raw = await countBy("SELECT split_part(message_id, '-', 2) AS tag, count(*) AS n FROM bench_raw GROUP BY 1", []);
  const profileUpdates = Number(
    (await db.query("SELECT count(*) AS n FROM stream_entries WHERE workspace_id = $1 AND kind = 'profile_updated'", [workspaceId])).rows[0]
      .n,
  );
  const profileCount = Number((await db.query('SELECT count(*) AS n FROM profiles WHERE workspace_id = $1', [workspaceId])).rows[0].n);

  out();
  const rows = results.map(({ api: a, raw: r }) => {
    const s = stored.get(`c${a.concurrency}`) ?? 0;
    const p = published.get(`c${a.concurrency}`) ?? 0;
    const rawRows = raw.get(`r${r.concurrency}`) ?? 0;
    const apiRate = Math.min(s, p) / a.seconds;
    const rawRate = rawRows / r.seconds;
    return {
      a,
      r,
      s,
      p,
      rawRows,
      apiRate,
      rawRate,
      ok: s === a.events && p === a.events && rawRows === r.events && a.errors === 0 && r.errors === 0,
    };
  });
  table(
    [
      'conc',
      'batches',
      'stored',
      'published',
      'stored ev/s',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'raw ev/s',
      'raw p99',
      'ingest/raw',
      'cpu api',
      'cpu pg',
      'cpu all',
      'check',
    ],
    rows.map(({ a, r, s, p, apiRate, rawRate, ok }) => [
      String(a.concurrency),
      fmt(a.batches),
      fmt(s),
      fmt(p),
      fmt(apiRate),
      fmt(a.p50, 1),
      fmt(a.p95, 1),
      fmt(a.p99, 1),
      fmt(rawRate),
      fmt(r.p99, 1),
      fmt(apiRate / rawRate, 2),
      fmt(a.cpu.api, 2),
      fmt(a.cpu.postgres, 2),
      fmt(a.cpu.machine, 2),
      ok ? 'ok' : 'MISMATCH',
    ]),
  );
  out(
    "stored/published: rows in `events` / of them, those on the journey stream (partition set) for the level's messageIds; ev/s = min(stored, published) / level time.",
  );
  out(
    `cpu: cores used during the /v1/batch level by the API process, by this database's PostgreSQL backends, and by the whole machine (of ${os.cpus().length}); raw levels:`,
  );
  out(`     ${rows.map(({ r }) => `c${r.concurrency} pg ${fmt(r.cpu.postgres, 2)} / all ${fmt(r.cpu.machine, 2)}`).join(', ')}`);
  out('PostgreSQL backends of this database during the /v1/batch levels (share of samples of busy backends):');
  for (const { api: a, waits } of results) out(`     c${a.concurrency}: ${waits}`);
  out(`profiles: ${fmt(profileCount)}; profile_updated stream entries: ${fmt(profileUpdates)}.`);

  // The API logs JSON lines (LOG_LEVEL=warn); its start-up banner is plain text.
  const apiLog = api
    .output()
    .split('\n')
    .filter((line) => /^\{.*"level":"(warn|error|fatal)"/.test(line));
  if (apiLog.length > 0) out(`api log: ${apiLog.length} warning/error line(s), first: ${apiLog[0].slice(0, 300)}`);

  const failed = rows.filter((row) => !row.ok);
  for (const { a, r, s, p, rawRows } of failed) {
    out(
      `MISMATCH at concurrency ${a.concurrency}: accepted ${a.events}, stored ${s}, published ${p}, ${a.errors} failed batches; raw sent ${r.events}, stored ${rawRows}, ${r.errors} failed`,
    );
  }

  const best = rows.reduce((x, y) => (y.apiRate > x.apiRate ? y : x));
  const bestRaw = rows.reduce((x, y) => (y.rawRate > x.rawRate ? y : x));
  const ratio = best.apiRate / best.rawRate;
  const meets = best.apiRate >= TARGET_EVENTS_PER_SECOND && ratio >= TARGET_RATIO;
  out();
  out(
    `best      ${fmt(best.apiRate)} events/s stored and published at concurrency ${best.a.concurrency}, batch latency p50 ${fmt(best.a.p50, 1)} / p95 ${fmt(best.a.p95, 1)} / p99 ${fmt(best.a.p99, 1)} ms`,
  );
  out(
    `baseline  raw pg at concurrency ${best.a.concurrency}: ${fmt(best.rawRate)} events/s → ingest/raw ${fmt(ratio, 2)} (best raw: ${fmt(bestRaw.rawRate)} events/s at ${bestRaw.r.concurrency}, ratio ${fmt(best.apiRate / bestRaw.rawRate, 2)})`,
  );
  out(
    `cpu       at the best level: API ${fmt(best.a.cpu.api, 2)} cores, PostgreSQL ${fmt(best.a.cpu.postgres, 2)}, this client ${fmt(best.a.cpu.bench, 2)}, whole machine ${fmt(best.a.cpu.machine, 2)} of ${os.cpus().length}`,
  );
  out(
    `targets   ≥ ${fmt(TARGET_EVENTS_PER_SECOND)} events/s: ${best.apiRate >= TARGET_EVENTS_PER_SECOND ? 'met' : 'MISSED'}; ingest/raw ≥ ${TARGET_RATIO}: ${ratio >= TARGET_RATIO ? 'met' : 'MISSED'}; verification: ${failed.length === 0 ? 'ok' : 'FAILED'}`,
  );
  out();
  out(
    `SUMMARY ingest ${fmt(best.apiRate)} events/s @${best.a.concurrency} (p99 ${fmt(best.a.p99, 1)} ms), raw ${fmt(best.rawRate)} events/s, ingest/raw ${fmt(ratio, 2)}, ` +
      `${meets ? 'targets met' : 'targets missed'}, ${failed.length === 0 ? 'all accepted events stored and published' : 'VERIFICATION FAILED'} ` +
      `(${os.cpus().length} cores, Node ${process.version}, PostgreSQL ${serverVersion})`,
  );
  return failed.length === 0 ? 0 : 1;
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  if (!interrupted) {
    process.stderr.write(`\nBenchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    if (api) process.stderr.write(`API output (last 2,000 characters):\n${api.output().slice(-2000)}\n`);
  }
} finally {
  await cleanup();
}
process.exit(interrupted ? 130 : exitCode);
