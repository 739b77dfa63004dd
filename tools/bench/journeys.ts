/**
 * Itinera journey engine benchmark, against a throwaway PostgreSQL database and Redis prefix, with
 * an API process (ITINERA_ROLE=api) and one worker process (ITINERA_ROLE=worker). See README.md.
 *
 * 1. latency: event → trigger → first message handed to a provider (a loopback HTTP receiver
 *    behind the webhook channel), single `POST /v1/track` calls at fixed rates, p50/p95/p99, with
 *    the same run's baselines (journeys-baseline.ts): the custom build a team would write instead
 *    of Itinera, and a minimal hand-written BullMQ pipeline;
 * 2. throughput: runs of `trigger → send → exit` completed per second at saturation, against the
 *    custom build's messages per second, with PostgreSQL transactions and CPU per run;
 * 3. long: runs of `trigger → branch → update_profile → send → delay 1 s → send → exit`, runs/s
 *    and PostgreSQL transactions per run;
 * 4. waiting: N runs waiting in delays (inserted with SQL exactly as the engine leaves them) plus
 *    runs whose timers fall due during a window: PostgreSQL size, Redis memory, process RSS and
 *    wake-up lateness.
 *
 * Run it with `npm run bench:journeys` (builds first), or, once built, directly on the project's
 * Node 22, which strips the types: `node --experimental-strip-types tools/bench/journeys.ts`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { type ApiProcess, freePort, startApiProcess } from '../testing/api-process.ts';
import {
  ADMIN_URL,
  type CpuSample,
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

const HELP = `Usage: node tools/bench/journeys.ts [options]   (or: npm run bench:journeys -- [options])

  --parts <list>          which parts to run: latency,throughput,long,waiting     (default all four)
  --rate <list>           events/s of the latency levels (single POST /v1/track),
                          comma-separated                                         (default 20,100,250)
  --seconds <n>           seconds of each latency level, per system               (default 20)
  --drain <n>             seconds to wait for the messages after a level's last event (default 15)
  --runs <n>              runs of the throughput part (trigger → send → exit), and
                          messages of the custom build's                          (default 3000)
  --long-runs <n>         runs of the long part (… → send → delay 1 s → send → exit) (default 1000)
  --quiet <n>             seconds of the quiet window measuring the idle engine's
                          transactions and CPU before the throughput and long parts (default 5)
  --waiting <n>           runs waiting in delays, inserted with SQL               (default 1000000)
  --due <n>               runs whose delay falls due during the window            (default 2000)
  --window <n>            seconds over which those timers fall due                (default 20)
  --chunk <n>             waiting runs inserted per statement                     (default 50000)
  --insert-connections <n> connections inserting them in parallel                 (default 2)
  --concurrency <n>       jobs the worker runs at once (ITINERA_WORKER_CONCURRENCY;
                          the baseline workers' too)                              (default 8, Itinera's default)
  --keep                  keep the database and Redis keys (prints their names)
  -h, --help

Environment: ITINERA_BENCH_ADMIN_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres),
REDIS_URL (default redis://127.0.0.1:6379). The API must be built (apps/api/dist/main.js) with the
webhook channel plugin (plugins/channel-webhook/dist).`;

const OPTIONS = {
  parts: { type: 'string', default: 'latency,throughput,long,waiting' },
  rate: { type: 'string', default: '20,100,250' },
  seconds: { type: 'string', default: '20' },
  drain: { type: 'string', default: '15' },
  runs: { type: 'string', default: '3000' },
  'long-runs': { type: 'string', default: '1000' },
  quiet: { type: 'string', default: '5' },
  waiting: { type: 'string', default: '1000000' },
  due: { type: 'string', default: '2000' },
  window: { type: 'string', default: '20' },
  chunk: { type: 'string', default: '50000' },
  'insert-connections': { type: 'string', default: '2' },
  concurrency: { type: 'string', default: '8' },
  keep: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;
const args = (() => {
  try {
    return parseArgs({ options: OPTIONS, strict: true }).values;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${HELP}\n`);
    process.exit(2);
  }
})();
if (args.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}

const ALL_PARTS = ['latency', 'throughput', 'long', 'waiting'];
const PARTS = new Set(
  args.parts
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
for (const part of PARTS) {
  if (!ALL_PARTS.includes(part)) {
    process.stderr.write(`--parts takes ${ALL_PARTS.join(', ')} (any of them), not ${JSON.stringify(part)}\n`);
    process.exit(2);
  }
}
const RATES = args.rate
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean)
  .map((s) => positive('rate', s));
if (RATES.length === 0 || new Set(RATES).size !== RATES.length) {
  process.stderr.write(`--rate takes distinct positive numbers separated by commas, got ${JSON.stringify(args.rate)}\n`);
  process.exit(2);
}
const SECONDS = positive('seconds', args.seconds);
const DRAIN_S = positive('drain', args.drain, true);
const RUNS = Math.round(positive('runs', args.runs));
const LONG_RUNS = Math.round(positive('long-runs', args['long-runs']));
const QUIET_S = positive('quiet', args.quiet);
const WAITING = Math.round(positive('waiting', args.waiting, true));
const DUE = Math.round(positive('due', args.due));
const WINDOW_S = positive('window', args.window);
const CHUNK = Math.round(positive('chunk', args.chunk));
const INSERT_CONNECTIONS = Math.round(positive('insert-connections', args['insert-connections']));

/** The targets (docs/README.md and the engine-throughput work), each printed met or missed. */
const TARGET = {
  /** p99 event → provider, at 500 events/s (docs/README.md), when that rate is measured. */
  p99Ms: 100,
  /** p99 event → provider at most this many times the custom build's, at every rate. */
  p99RatioToCustom: 2,
  /** Sustained trigger → send → exit runs/s, one API and one worker process. */
  runsPerSecond: 1000,
  /** Sustained runs/s at least this share of the custom build's messages/s. */
  runsRatioToCustom: 0.5,
  /** PostgreSQL transactions per trigger → send → exit run, whole run, background polls excluded. */
  txPerRun: 3,
  /** Worker CPU per trigger → send → exit run, ms. */
  workerCpuMsPerRun: 1,
  /** PostgreSQL transactions per run of the long journey, whole run, background polls excluded. */
  txPerLongRun: 4,
  /** Wake-up p99 (next step completed after a delay's due time), ms. */
  wakeP99Ms: 1000,
};
type Verdict = 'met' | 'missed' | 'not measured';
const verdictText = (v: Verdict) => (v === 'missed' ? 'MISSED' : v);

/** ITINERA_WORKER_CONCURRENCY (its default is 8), also the baseline workers'. */
const WORKER_CONCURRENCY = Math.round(positive('concurrency', args.concurrency));
const WEBHOOK_PLUGIN = '@itinera/channel-webhook/webhook';

// ───────────────────────────── run identity ─────────────────────────────

const { runId: RUN_ID, database: DATABASE, redisPrefix: REDIS_PREFIX, databaseUrl } = runIdentity();
const CUSTOM_WRITE_KEY = `custom_${randomAlnum(24)}`;
const WRITE_KEY = `itn_wk_${randomAlnum(24)}`;
const SECRET_KEY = `itn_sk_${randomAlnum(24)}`;
const ITINERA_SECRET = randomAlnum(48);
const BASELINE_SCRIPT = fileURLToPath(new URL('./journeys-baseline.ts', import.meta.url));

// ───────────────────────────── small helpers ─────────────────────────────

/** Wall-clock milliseconds with sub-millisecond resolution (comparable with PostgreSQL's timestamps). */
const wall = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mib = (bytes: number) => `${fmt(bytes / 2 ** 20, 1)} MiB`;

interface Stats {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

function stats(values: number[]): Stats {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
  };
}

const ms = (n: number) => fmt(n, n < 10 ? 2 : 1);
const statsLine = (s: Stats) => `p50 ${ms(s.p50)} / p95 ${ms(s.p95)} / p99 ${ms(s.p99)} / max ${ms(s.max)} ms (n=${fmt(s.n)})`;

// ───────────────────────────── CPU and memory of processes ─────────────────────────────

/** Resident set size of a process, in bytes. */
function rss(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

const cpuLine = (cpu: Record<string, number>) =>
  Object.entries(cpu)
    .map(([name, cores]) => `${name} ${fmt(cores, 2)}`)
    .join(', ');

// ───────────────────────────── the provider: a loopback HTTP receiver ─────────────────────────────

/**
 * Stands behind the webhook channel (and the baselines' workers): records, by the `m` field of the
 * JSON body (the event's messageId), the wall-clock time the request arrived, and answers 204.
 */
class Receiver {
  readonly received = new Map<string, number>();
  duplicates = 0;
  private server?: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req: IncomingMessage, res) => {
      const at = wall();
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        try {
          const m = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { m?: string }).m;
          if (m) {
            if (this.received.has(m)) this.duplicates += 1;
            else this.received.set(m, at);
          }
        } catch {
          // not ours
        }
        res.writeHead(204).end();
      });
    });
    this.server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

// ───────────────────────────── lifecycle ─────────────────────────────

let api: ApiProcess | undefined;
let worker: ApiProcess | undefined;
const starting: Array<Promise<ApiProcess>> = [];
const baselineChildren = new Set<ChildProcess>();
let admin: pg.Client | undefined;
let db: pg.Client | undefined;
let receiver: Receiver | undefined;
let queue: Queue | undefined;
let queueRedis: Redis | undefined;
let databaseCreated = false;
let cleaning: Promise<void> | undefined;
let interrupted = false;

async function stopProcess(p: ApiProcess | undefined): Promise<void> {
  if (!p) return;
  const stopping = p.stop('SIGTERM');
  const killer = setTimeout(() => p.child.kill('SIGKILL'), 10_000);
  await stopping;
  clearTimeout(killer);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(killer);
  baselineChildren.delete(child);
}

/** Stops the processes, closes connections, drops the database and the run's Redis keys. Idempotent. */
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    const started = await Promise.all(starting.map((p) => p.catch(() => undefined)));
    await Promise.all([...baselineChildren].map(stopChild));
    await Promise.all([stopProcess(worker ?? started[1]), stopProcess(api ?? started[0])]);
    await queue?.close().catch(() => undefined);
    await Promise.all([custom, minimal].map((p) => p?.queue.close().catch(() => undefined)));
    queueRedis?.disconnect();
    await receiver?.close().catch(() => undefined);
    await db?.end().catch(() => undefined);
    if (args.keep) {
      out(`Kept database ${DATABASE} and Redis keys ${REDIS_PREFIX}* (secret key ${SECRET_KEY}, write key ${WRITE_KEY}).`);
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

// ───────────────────────────── Itinera and the baselines over HTTP ─────────────────────────────

const basic = `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`;
const customBasic = `Basic ${Buffer.from(`${CUSTOM_WRITE_KEY}:`).toString('base64')}`;

/**
 * Queries of this benchmark on the run's database, counted: each is one transaction there, which
 * the transaction counts of the measured windows leave out.
 */
let benchQueries = 0;
function query(text: string, values?: unknown[]): Promise<pg.QueryResult> {
  benchQueries += 1;
  return db!.query(text, values);
}

async function call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${api!.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${SECRET_KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 500)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Sends one batch to a `/v1/batch` endpoint: Itinera's, or the custom build's. */
type BatchSender = (batch: unknown[]) => Promise<void>;

const itineraBatch: BatchSender = async (batch) => {
  const res = await fetch(`${api!.url}/v1/batch`, {
    method: 'POST',
    headers: { authorization: basic, 'content-type': 'application/json' },
    body: JSON.stringify({ batch }),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`/v1/batch: HTTP ${res.status} ${text.slice(0, 300)}`);
  const result = JSON.parse(text) as { accepted: number };
  if (result.accepted !== batch.length) throw new Error(`/v1/batch accepted ${result.accepted} of ${batch.length}: ${text.slice(0, 300)}`);
};

const customBatch: BatchSender = async (batch) => {
  const res = await fetch(`${custom!.url}/v1/batch`, {
    method: 'POST',
    headers: { authorization: customBasic, 'content-type': 'application/json' },
    body: JSON.stringify({ batch }),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`custom build /v1/batch: HTTP ${res.status} ${text.slice(0, 300)}`);
};

/** Sends events through a /v1/batch endpoint, `size` per batch, `concurrency` batches in flight. */
async function ingestAll(send: BatchSender, events: unknown[], size = 250, concurrency = 4): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < events.length && !interrupted) {
        const from = next;
        next += size;
        await send(events.slice(from, from + size));
      }
    }),
  );
}

const CONTEXT = { library: { name: 'analytics-node', version: '3.1.0' }, ip: '203.0.113.7', locale: 'en-US' };

/** Distinct profiles, one identify each (so no journey entry is refused by re-entry rules). */
async function identify(prefix: string, count: number, send: BatchSender = itineraBatch): Promise<void> {
  await ingestAll(
    send,
    Array.from({ length: count }, (_, i) => ({
      type: 'identify',
      userId: `${prefix}-${i}`,
      messageId: `${RUN_ID}-id-${prefix}-${i}`,
      traits: { email: `${prefix}-${i}@example.test`, plan: 'pro', name: `Bench ${prefix} ${i}` },
      context: CONTEXT,
    })),
    500,
  );
}

/** `count` track events `event`, one per profile `${prefix}-i`, messageIds `${RUN_ID}-${prefix}-i`. */
const trackEvents = (prefix: string, count: number, event: string) =>
  Array.from({ length: count }, (_, i) => ({
    type: 'track',
    userId: `${prefix}-${i}`,
    event,
    messageId: `${RUN_ID}-${prefix}-${i}`,
    properties: { plan: 'pro', source: 'bench', seq: i },
    context: CONTEXT,
  }));

async function publishDefinition(name: string, nodes: unknown[], edges: unknown[]): Promise<{ id: string; version: number }> {
  const journey = await call<{ id: string }>('POST', '/api/journeys', { name, definition: { entry: { reentry: 'once' }, nodes, edges } });
  const published = await call<{ version: number }>('POST', `/api/journeys/${journey.id}/publish`, { note: 'benchmark' });
  return { id: journey.id, version: published.version };
}

/** A published journey `trigger(event) → [delay(seconds)] → send(bench-hook over webhook) → exit`. */
async function publishJourney(name: string, event: string, delaySeconds?: number): Promise<{ id: string; version: number }> {
  const nodes: unknown[] = [{ id: 't', type: 'trigger', config: { event } }];
  const edges: unknown[] = [];
  if (delaySeconds) {
    nodes.push({ id: 'd', type: 'delay', config: { seconds: delaySeconds } });
    edges.push({ from: 't', to: 'd' }, { from: 'd', to: 's' });
  } else {
    edges.push({ from: 't', to: 's' });
  }
  nodes.push({ id: 's', type: 'send', config: { template: 'bench-hook', channels: ['webhook'] } }, { id: 'x', type: 'exit' });
  edges.push({ from: 's', to: 'x' });
  return publishDefinition(name, nodes, edges);
}

/**
 * A published journey `trigger(event) → branch (plan is pro) → update_profile → send(bench-hook)
 * → delay(1 s) → send(bench-hook-2) → exit`; the branch's default port leads to the exit.
 */
function publishLongJourney(name: string, event: string): Promise<{ id: string; version: number }> {
  return publishDefinition(
    name,
    [
      { id: 't', type: 'trigger', config: { event } },
      { id: 'b', type: 'branch', config: { branches: [{ port: 'pro', when: { '==': [{ var: 'event.properties.plan' }, 'pro'] } }] } },
      { id: 'u', type: 'update_profile', config: { set: { bench_stage: 'nudged', bench_source: '{{ event.properties.source }}' } } },
      { id: 's1', type: 'send', config: { template: 'bench-hook', channels: ['webhook'] } },
      { id: 'd', type: 'delay', config: { seconds: 1 } },
      { id: 's2', type: 'send', config: { template: 'bench-hook-2', channels: ['webhook'] } },
      { id: 'x', type: 'exit' },
    ],
    [
      { from: 't', to: 'b' },
      { from: 'b', port: 'pro', to: 'u' },
      { from: 'b', port: 'default', to: 'x' },
      { from: 'u', to: 's1' },
      { from: 's1', to: 'd' },
      { from: 'd', to: 's2' },
      { from: 's2', to: 'x' },
    ],
  );
}

// ───────────────────────────── the baselines' processes ─────────────────────────────

/** The custom build's trigger events: a track event of one of these names sends a message. */
const CUSTOM_TRIGGERS = ['Bench Latency', 'Bench Throughput'];

interface Pipeline {
  name: 'custom' | 'minimal';
  url: string;
  http: ChildProcess;
  worker: ChildProcess;
  /** Its BullMQ queue, seen from here (to drop what a level leaves behind). */
  queue: Queue;
}
let custom: Pipeline | undefined;
let minimal: Pipeline | undefined;

function startBaselineRole(pipeline: Pipeline['name'], role: 'http' | 'worker', env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--experimental-strip-types', '--disable-warning=ExperimentalWarning', BASELINE_SCRIPT, pipeline, role],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  baselineChildren.add(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${pipeline} ${role} not ready after 15 s:\n${output}`)), 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/^ready/m.test(output)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      baselineChildren.delete(child);
      clearTimeout(timer);
      reject(new Error(`${pipeline} ${role} exited with ${code}:\n${output}`));
    });
  });
}

/** Starts a baseline's http process (which creates its tables), then its worker. */
async function startPipeline(name: Pipeline['name']): Promise<Pipeline> {
  const port = await freePort();
  const prefix = `${REDIS_PREFIX}_${name}`;
  const env = {
    BASELINE_DATABASE_URL: databaseUrl,
    REDIS_URL,
    BASELINE_PREFIX: prefix,
    BASELINE_PORT: String(port),
    BASELINE_RECEIVER: `${receiver!.url}/hook`,
    BASELINE_CONCURRENCY: String(WORKER_CONCURRENCY),
    BASELINE_WRITE_KEY: CUSTOM_WRITE_KEY,
    BASELINE_TRIGGER_EVENTS: CUSTOM_TRIGGERS.join(','),
    BASELINE_SIGNING_SECRET: randomAlnum(32),
  };
  const http = await startBaselineRole(name, 'http', env);
  const worker = await startBaselineRole(name, 'worker', env);
  const queue = new Queue(name === 'custom' ? 'messages' : 'baseline', { connection: queueRedis!, prefix });
  return { name, url: `http://127.0.0.1:${port}`, http, worker, queue };
}

/**
 * What autovacuum's auto-analyze does on a production server (this machine's PostgreSQL may run
 * without it): statistics for the tables as the setup left them, so that plans fit their sizes.
 */
async function analyze(): Promise<void> {
  await query('ANALYZE');
}

/** Stream entries (events and profile changes) the journey consumer has not applied yet (all partitions). */
async function streamBacklog(): Promise<number> {
  const { rows } = await query(
    `SELECT count(*)::int AS n FROM (SELECT partition, xid, id FROM events WHERE partition IS NOT NULL
                                     UNION ALL SELECT partition, xid, id FROM stream_entries) s
       LEFT JOIN stream_cursors c ON c.consumer = 'journeys' AND c.partition = s.partition
      WHERE c.xid IS NULL OR (s.xid, s.id) > (c.xid, c.id)`,
  );
  return rows[0].n as number;
}

/** Waits until the journey consumer has applied every stream entry and no run is active. */
async function settle(timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!interrupted) {
    const backlog = await streamBacklog();
    const active = Number((await query("SELECT count(*) AS n FROM journey_runs WHERE status = 'active'")).rows[0].n);
    if (backlog === 0 && active === 0) return;
    if (Date.now() > deadline)
      throw new Error(`not settled after ${timeoutMs / 1000} s: ${backlog} stream entries not applied, ${active} runs active`);
    await sleep(200);
  }
}

/**
 * Samples, every 25 ms on its own connection (to the admin database), what this database's busy backends are doing:
 * statement (whitespace collapsed, first 90 characters) and state (running, waiting on a lock or
 * I/O, or `idle in transaction`). `stop` returns the most frequent, with their share of samples.
 */
function sampleStatements(): { stop(): Promise<Array<{ what: string; share: number }>> } {
  const counts = new Map<string, number>();
  let total = 0;
  let running = true;
  const client = new pg.Client({ connectionString: ADMIN_URL }); // not this database: its transactions are counted
  const loop = (async () => {
    await client.connect();
    while (running && !interrupted) {
      const { rows } = await client.query(
        `SELECT CASE WHEN state = 'idle in transaction' THEN 'idle in transaction' ELSE coalesce(wait_event_type || ':' || wait_event, 'running') END AS how,
                left(regexp_replace(query, '\\s+', ' ', 'g'), 90) AS query
           FROM pg_stat_activity
          WHERE datname = $1 AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction')
            AND backend_type = 'client backend'`,
        [DATABASE],
      );
      for (const row of rows as Array<{ how: string; query: string }>) {
        const what = `${row.how.padEnd(22)} ${row.query}`;
        counts.set(what, (counts.get(what) ?? 0) + 1);
        total += 1;
      }
      await sleep(25);
    }
  })().catch(() => undefined);
  return {
    async stop() {
      running = false;
      await loop;
      await client.end().catch(() => undefined);
      return [...counts.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 12)
        .map(([what, n]) => ({ what, share: n / Math.max(1, total) }));
    },
  };
}

// ───────────────────────────── transactions, rows and CPU over a measured window ─────────────────────────────

/**
 * PostgreSQL 15 publishes a backend's transaction and row counts (pg_stat_database,
 * pg_stat_user_tables) when it goes idle, at most once a second, and at the latest 10 s after it
 * last went idle (PGSTAT_IDLE_INTERVAL): a window's closing reading waits that long after its work.
 */
const STATS_FLUSH_MS = 11_000;

/**
 * Transactions committed or rolled back in the run's database, less connection start-ups (a new
 * connection commits one while it starts: pool churn, not the work of a run), and connections opened.
 */
const XACT_SQL =
  'SELECT (xact_commit + xact_rollback - sessions)::float8 AS x, sessions::float8 AS sessions FROM pg_stat_database WHERE datname = $1';

interface TableCounts {
  ins: number;
  upd: number;
  del: number;
}

interface Reading {
  at: number;
  /** pg_stat_database xact_commit + xact_rollback of the run's database, less connection start-ups. */
  xact: number;
  /** pg_stat_database sessions: connections opened to the run's database. */
  sessions: number;
  /** benchQueries before this reading's own query on the run's database. */
  benchQueries: number;
  cpu: CpuSample;
  tables: Map<string, TableCounts>;
}

async function reading(pids: Record<string, number | undefined>): Promise<Reading> {
  const cpu = sampleCpu(pids, DATABASE);
  const at = performance.now();
  const { rows: x } = await admin!.query(XACT_SQL, [DATABASE]);
  const before = benchQueries;
  const { rows } = await query(
    'SELECT relname, n_tup_ins::float8 AS ins, n_tup_upd::float8 AS upd, n_tup_del::float8 AS del FROM pg_stat_user_tables',
  );
  const tables = new Map<string, TableCounts>(rows.map((r) => [r.relname as string, { ins: r.ins, upd: r.upd, del: r.del }]));
  return { at, xact: x[0].x as number, sessions: x[0].sessions as number, benchQueries: before, cpu, tables };
}

/** Transactions committed between two readings, less the benchmark's own queries. */
const txBetween = (a: Reading, b: Reading) => b.xact - a.xact - (b.benchQueries - a.benchQueries);

/** What the idle processes do per second: background polls and timers. */
interface IdleRates {
  seconds: number;
  txPerSecond: number;
  /** Cores used, by process (and `postgres`: the run's database's backends). */
  cores: Record<string, number>;
  rowsPerSecond: Map<string, TableCounts>;
  /** The window's closing reading: the next measured window may start from it. */
  end: Reading;
}

function tableDiff(a: Reading, b: Reading): Map<string, TableCounts> {
  const diff = new Map<string, TableCounts>();
  for (const [name, t] of b.tables) {
    const s = a.tables.get(name) ?? { ins: 0, upd: 0, del: 0 };
    diff.set(name, { ins: t.ins - s.ins, upd: t.upd - s.upd, del: t.del - s.del });
  }
  return diff;
}

/** A quiet window: once the statistics of the work before it are published, `QUIET_S` seconds with nothing sent. */
async function quietWindow(pids: Record<string, number | undefined>): Promise<IdleRates> {
  await sleep(STATS_FLUSH_MS);
  const a = await reading(pids);
  await sleep(QUIET_S * 1000);
  const b = await reading(pids);
  const seconds = (b.at - a.at) / 1000;
  const rowsPerSecond = new Map<string, TableCounts>();
  for (const [name, t] of tableDiff(a, b)) rowsPerSecond.set(name, { ins: t.ins / seconds, upd: t.upd / seconds, del: t.del / seconds });
  return { seconds, txPerSecond: txBetween(a, b) / seconds, cores: cpuBetween(a.cpu, b.cpu), rowsPerSecond, end: b };
}

interface WindowFigures {
  /** Opening reading to the end of the work. */
  seconds: number;
  /** Transactions from the opening to the closing reading, less the benchmark's queries and the idle rate over that time. */
  tx: number;
  /** What the idle rate took off `tx`. */
  idleTx: number;
  /** Connections opened to the run's database in the window (their start-up transactions are not in `tx`). */
  sessions: number;
  /** Cores used from the opening reading to the end of the work, by process, as measured (idle included). */
  cores: Record<string, number>;
  /** CPU ms used over the same time, by process, less the idle rate. */
  cpuMs: Record<string, number>;
  /** Rows inserted, updated and deleted per table over the window, less the idle rate; tables that wrote nothing left out. */
  rows: Array<{ table: string } & TableCounts>;
}

/** The figures of a window: opened at `start`, work over at `done`, statistics published at `closed`. */
function windowFigures(start: Reading, done: Reading, closed: Reading, idle: IdleRates): WindowFigures {
  const seconds = (done.at - start.at) / 1000;
  const total = (closed.at - start.at) / 1000;
  const cores = cpuBetween(start.cpu, done.cpu);
  const cpuMs: Record<string, number> = {};
  // Idle CPU is a background rate measured on a quieter machine: never more than was used.
  for (const [name, c] of Object.entries(cores)) cpuMs[name] = Math.max(0, c - (idle.cores[name] ?? 0)) * seconds * 1000;
  const rows: WindowFigures['rows'] = [];
  for (const [table, t] of tableDiff(start, closed)) {
    const r = idle.rowsPerSecond.get(table) ?? { ins: 0, upd: 0, del: 0 };
    const net = { table, ins: t.ins - r.ins * total, upd: t.upd - r.upd * total, del: t.del - r.del * total };
    if (Math.abs(net.ins) + Math.abs(net.upd) + Math.abs(net.del) >= 0.5) rows.push(net);
  }
  rows.sort((a, b) => b.ins + b.upd + b.del - (a.ins + a.upd + a.del));
  const idleTx = idle.txPerSecond * total;
  return { seconds, tx: txBetween(start, closed) - idleTx, idleTx, sessions: closed.sessions - start.sessions, cores, cpuMs, rows };
}

/** What a window's transaction count leaves out, per unit (run, message). */
const subtracted = (w: WindowFigures, per: number, unit = 'run') =>
  `the idle rate's ${fmt(w.idleTx / per, 2)} per ${unit} (${fmt(w.idleTx, 0)} in all: background polls) and the benchmark's own queries; ` +
  `${fmt(w.sessions)} connections opened, their start-ups not counted`;
/** "journey_steps 3.0 ins + 3.0 upd, …": rows written per unit (run, message), the largest first. */
function rowsLine(rows: WindowFigures['rows'], per: number): string {
  const parts: string[] = [];
  for (const r of rows) {
    const kinds = (['ins', 'upd', 'del'] as const).filter((k) => Math.abs(r[k] / per) >= 0.05).map((k) => `${fmt(r[k] / per, 1)} ${k}`);
    if (kinds.length > 0) parts.push(`${r.table} ${kinds.join(' + ')}`);
  }
  return parts.join(', ') || 'none';
}

const idleLine = (idle: IdleRates, names: string[]) =>
  `${fmt(idle.txPerSecond, 1)} transactions/s; CPU ${names.map((n) => `${n} ${fmt(idle.cores[n] * 1000, 1)}`).join(', ')} ms/s`;

// ───────────────────────────── 1. latency ─────────────────────────────

interface DriveResult {
  sentAt: Map<string, number>;
  ack: number[];
  errors: number;
  /** Failed requests by error (with its cause: fetch reports network errors as "fetch failed"). */
  errorKinds: Map<string, number>;
  seconds: number;
  lateStarts: number;
  endedAt: number;
}

/**
 * Open loop: event i is sent at start + i / rate whatever happened to the previous ones (a closed
 * loop would slow down with the system and hide its latency). `send` gets the event's index.
 */
async function drive(rate: number, seconds: number, send: (i: number) => Promise<void>, key: (i: number) => string): Promise<DriveResult> {
  const total = Math.round(rate * seconds);
  const sentAt = new Map<string, number>();
  const ack: number[] = [];
  let errors = 0;
  const errorKinds = new Map<string, number>();
  let lateStarts = 0;
  const inflight = new Set<Promise<void>>();
  const start = performance.now() + 20;
  let next = 0;
  while (next < total && !interrupted) {
    const now = performance.now();
    while (next < total && start + (next * 1000) / rate <= now) {
      const i = next++;
      if (now - (start + (i * 1000) / rate) > 5) lateStarts += 1;
      const t0 = wall();
      sentAt.set(key(i), t0);
      const p = send(i).then(
        () => void ack.push(wall() - t0),
        (error: unknown) => {
          errors += 1;
          const kind = describeError(error);
          errorKinds.set(kind, (errorKinds.get(kind) ?? 0) + 1);
        },
      );
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
    }
    await sleep(1);
  }
  const elapsed = (performance.now() - start) / 1000;
  await Promise.all(inflight);
  return { sentAt, ack, errors, errorKinds, seconds: elapsed, lateStarts, endedAt: wall() };
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: string; message?: string } | undefined;
  return (cause ? `${error.message} (${cause.code ?? cause.message})` : error.message).slice(0, 160);
}

async function postJson(url: string, body: unknown, authorization?: string): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== 200) {
    let message = text.slice(0, 120);
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? message;
    } catch {
      // not JSON
    }
    throw new Error(`HTTP ${res.status}: ${message}`);
  }
}

/** Waits until every key has reached the receiver, or until `deadline` (wall-clock ms); returns the cut-off time. */
async function awaitReceipts(keys: Iterable<string>, deadline: number): Promise<number> {
  const wanted = [...keys];
  while (!interrupted && wall() < deadline) {
    if (wanted.every((k) => receiver!.received.has(k))) break;
    await sleep(100);
  }
  return wall();
}

/** A percentile that may only be known as a lower bound (the message had not arrived at the cut-off). */
interface Quantile {
  value: number;
  atLeast: boolean;
}

interface Latencies {
  n: number;
  missing: number;
  p50: Quantile;
  p95: Quantile;
  p99: Quantile;
  max: Quantile;
}

/** Percentiles over every event sent; one that had not arrived counts as (cut-off − sent), a lower bound. */
function latencies(sentAt: Map<string, number>, cutoff: number): Latencies {
  const all: Quantile[] = [];
  for (const [key, t0] of sentAt) {
    const at = receiver!.received.get(key);
    all.push(at === undefined || at > cutoff ? { value: cutoff - t0, atLeast: true } : { value: at - t0, atLeast: false });
  }
  all.sort((a, b) => a.value - b.value);
  const pick = (p: number): Quantile =>
    all[Math.min(all.length - 1, Math.max(0, Math.ceil((p / 100) * all.length) - 1))] ?? { value: NaN, atLeast: false };
  return {
    n: all.length,
    missing: all.filter((q) => q.atLeast).length,
    p50: pick(50),
    p95: pick(95),
    p99: pick(99),
    max: all[all.length - 1] ?? { value: NaN, atLeast: false },
  };
}

const q = (x: Quantile) => `${x.atLeast ? '> ' : ''}${ms(x.value)}`;

type System = 'itinera' | 'custom' | 'minimal';

interface LatencyResult {
  label: string;
  system: System;
  e2e: Latencies;
  ack: Stats;
  sent: number;
  errors: number;
  errorKinds: Map<string, number>;
  rate: number;
  lateStarts: number;
  cpu: Record<string, number>;
  waitedSeconds: number;
}

async function level(
  system: LatencyResult['system'],
  label: string,
  rate: number,
  seconds: number,
  pids: Record<string, number | undefined>,
  send: (i: number) => Promise<void>,
  key: (i: number) => string,
  drainMs: number,
): Promise<{ result: LatencyResult; sentAt: Map<string, number> }> {
  const before = sampleCpu(pids, DATABASE);
  const d = await drive(rate, seconds, send, key);
  const cpu = cpuBetween(before, sampleCpu(pids, DATABASE));
  const cutoff = await awaitReceipts(d.sentAt.keys(), d.endedAt + drainMs);
  const result: LatencyResult = {
    label,
    system,
    e2e: latencies(d.sentAt, cutoff),
    ack: stats(d.ack),
    sent: d.sentAt.size,
    errors: d.errors,
    errorKinds: d.errorKinds,
    rate: d.sentAt.size / d.seconds,
    lateStarts: d.lateStarts,
    cpu,
    waitedSeconds: (cutoff - d.endedAt) / 1000,
  };
  const e = result.e2e;
  out(
    `  ${system.padEnd(8)} ${label.padEnd(8)} p50 ${q(e.p50)} / p95 ${q(e.p95)} / p99 ${q(e.p99)} / max ${q(e.max)} ms; ` +
      `${fmt(e.n - e.missing)}/${fmt(e.n)} at the provider${e.missing > 0 ? ` ${fmt(result.waitedSeconds, 0)} s after the last event` : ''}`,
  );
  return { result, sentAt: d.sentAt };
}

const HOPS = [
  'POST sent → received by the API (events.received_at)',
  'received → run entered (ingest transaction, commit, consumer)',
  'run entered → send step started (a free slot)',
  'send step started → message sending (checks)',
  'sending → at the provider (webhook call)',
] as const;

/** Where the time goes, hop by hop, from the timestamps Itinera stores (same machine, same clock). */
async function hopsOf(journeyId: string, keyPrefix: string, sentAt: Map<string, number>): Promise<Record<string, Stats>> {
  const { rows } = await query(
    `SELECT e.message_id AS m,
            extract(epoch FROM e.received_at) * 1000 AS received,
            extract(epoch FROM r.entered_at) * 1000 AS entered,
            extract(epoch FROM st.started_at) * 1000 AS step_started,
            extract(epoch FROM msg.sending_at) * 1000 AS sending
       FROM events e
       JOIN journey_runs r ON r.entry_key = 'event:' || e.id AND r.journey_id = $1
       LEFT JOIN journey_steps st ON st.run_id = r.id AND st.node_id = 's' AND st.visit = 1
       LEFT JOIN messages msg ON msg.run_id = r.id
      WHERE e.message_id LIKE $2`,
    [journeyId, `${keyPrefix}%`],
  );
  const hops: number[][] = HOPS.map(() => []);
  for (const r of rows as Array<Record<string, string | null>>) {
    const t0 = sentAt.get(r.m!);
    const at = receiver!.received.get(r.m!);
    if (t0 === undefined || at === undefined || r.step_started === null || r.sending === null) continue;
    const points = [t0, Number(r.received), Number(r.entered), Number(r.step_started), Number(r.sending), at];
    hops.forEach((list, i) => list.push(points[i + 1] - points[i]));
  }
  return Object.fromEntries(HOPS.map((name, i) => [name, stats(hops[i])]));
}

interface LatencyLevel {
  rate: number;
  label: string;
  itinera: LatencyResult;
  custom: LatencyResult;
  minimal: LatencyResult;
  hops: Record<string, Stats>;
}

/** A ratio of two percentiles; a lower bound when the numerator is one, unknown when the denominator is. */
interface Ratio {
  value: number;
  atLeast: boolean;
  known: boolean;
}

const ratioOf = (a: Quantile, b: Quantile): Ratio => ({ value: a.value / b.value, atLeast: a.atLeast, known: !b.atLeast && b.value > 0 });
const ratioText = (r: Ratio) => (r.known ? `${r.atLeast ? '> ' : ''}${fmt(r.value, r.value < 10 ? 2 : 1)}×` : 'unknown');

/** The latency target of a level: Itinera's p99 at most TARGET.p99RatioToCustom × the custom build's. */
function latencyVerdict(l: LatencyLevel): { ratio: Ratio; verdict: Verdict } {
  const ratio = ratioOf(l.itinera.e2e.p99, l.custom.e2e.p99);
  if (!ratio.known || l.custom.e2e.missing > 0) return { ratio, verdict: 'not measured' };
  return { ratio, verdict: !ratio.atLeast && ratio.value <= TARGET.p99RatioToCustom ? 'met' : 'missed' };
}

async function latencyPart(): Promise<LatencyLevel[]> {
  const drainMs = DRAIN_S * 1000;
  const levels = RATES.map((rate) => ({
    rate,
    tag: `r${rate}`,
    label: `${fmt(rate, Number.isInteger(rate) ? 0 : 1)}/s`,
    total: Math.round(rate * SECONDS),
  }));
  out(
    `── 1. event → trigger → first message at the provider: one POST /v1/track per event, ` +
      `${levels.map((l) => l.label).join(', ')} for ${fmt(SECONDS)} s each; at each rate Itinera, then the custom build, then the minimal pipeline ──`,
  );
  let t = performance.now();
  const journeys = new Map<string, string>();
  for (const l of levels) journeys.set(l.tag, (await publishJourney(`Bench latency ${l.tag}`, `Bench Latency ${l.tag}`)).id);
  for (const l of levels) {
    await identify(l.tag, l.total);
    await identify(`cus-${l.tag}`, l.total, customBatch);
  }
  await settle();
  await analyze();
  out(
    `  setup: ${fmt(levels.reduce((n, l) => n + l.total, 0))} profiles identified in Itinera (applied by the journey consumer) and in the custom build, in ${fmt((performance.now() - t) / 1000, 1)} s`,
  );

  const pids = { api: api!.child.pid, worker: worker!.child.pid };
  const results: LatencyLevel[] = [];
  for (const l of levels) {
    const key = (i: number) => `${RUN_ID}-${l.tag}-${i}`;
    const event = `Bench Latency ${l.tag}`;
    const it = await level(
      'itinera',
      l.label,
      l.rate,
      SECONDS,
      pids,
      (i) =>
        postJson(
          `${api!.url}/v1/track`,
          { userId: `${l.tag}-${i}`, event, messageId: key(i), properties: { plan: 'pro', source: 'bench', seq: i }, context: CONTEXT },
          basic,
        ),
      key,
      drainMs,
    );
    if (interrupted) return [];
    await analyze();
    if (it.result.e2e.missing > 0) {
      // What has not reached the provider is not waited for: archiving the journey cancels its runs
      // (Itinera's own API); their queued jobs, which would only find the runs cancelled, are dropped.
      t = performance.now();
      await call('POST', `/api/journeys/${journeys.get(l.tag)}/archive`, {});
      await queue!.drain();
      await settle();
      const { rows } = await query(
        "SELECT count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled, count(*) FILTER (WHERE status = 'completed')::int AS completed FROM journey_runs WHERE journey_id = $1",
        [journeys.get(l.tag)],
      );
      out(
        `           ${fmt(rows[0].completed)} runs completed, ${fmt(rows[0].cancelled)} cancelled by archiving the journey (${fmt((performance.now() - t) / 1000, 1)} s)`,
      );
    }

    const customKey = (i: number) => `${RUN_ID}-cus-${l.tag}-${i}`;
    const cus = await level(
      'custom',
      l.label,
      l.rate,
      SECONDS,
      { http: custom!.http.pid, worker: custom!.worker.pid },
      (i) =>
        postJson(
          `${custom!.url}/v1/track`,
          {
            userId: `cus-${l.tag}-${i}`,
            event: 'Bench Latency',
            messageId: customKey(i),
            properties: { plan: 'pro', source: 'bench', seq: i },
            context: CONTEXT,
          },
          customBasic,
        ),
      customKey,
      drainMs,
    );
    if (interrupted) return [];
    if (cus.result.e2e.missing > 0) await custom!.queue.drain();

    const minimalKey = (i: number) => `${RUN_ID}-min-${l.tag}-${i}`;
    const min = await level(
      'minimal',
      l.label,
      l.rate,
      SECONDS,
      { http: minimal!.http.pid, worker: minimal!.worker.pid },
      (i) =>
        postJson(`${minimal!.url}/track`, {
          userId: `min-${l.tag}-${i}`,
          event: 'Bench Latency',
          messageId: minimalKey(i),
          properties: { plan: 'pro', source: 'bench', seq: i },
          context: CONTEXT,
        }),
      minimalKey,
      drainMs,
    );
    if (interrupted) return [];
    if (min.result.e2e.missing > 0) await minimal!.queue.drain();

    results.push({
      rate: l.rate,
      label: l.label,
      itinera: it.result,
      custom: cus.result,
      minimal: min.result,
      hops: await hopsOf(journeys.get(l.tag)!, `${RUN_ID}-${l.tag}-`, it.sentAt),
    });
  }

  out();
  const cpuOf = (r: LatencyResult) =>
    r.system === 'itinera'
      ? `api ${fmt(r.cpu.api, 2)} + worker ${fmt(r.cpu.worker, 2)} + pg ${fmt(r.cpu.postgres, 2)}; bench ${fmt(r.cpu.bench, 2)}; machine ${fmt(r.cpu.machine, 2)}`
      : `http ${fmt(r.cpu.http, 2)} + worker ${fmt(r.cpu.worker, 2)} + pg ${fmt(r.cpu.postgres, 2)}; bench ${fmt(r.cpu.bench, 2)}; machine ${fmt(r.cpu.machine, 2)}`;
  table(
    ['', 'sent/s', 'at provider', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'POST p50', 'POST p99', 'late', 'cpu while sending (cores)'],
    results.flatMap((l) =>
      [l.itinera, l.custom, l.minimal].map((r) => [
        `${r.system} ${r.label}`,
        fmt(r.rate),
        `${fmt(r.e2e.n - r.e2e.missing)}/${fmt(r.e2e.n)}`,
        q(r.e2e.p50),
        q(r.e2e.p95),
        q(r.e2e.p99),
        q(r.e2e.max),
        ms(r.ack.p50),
        ms(r.ack.p99),
        fmt(r.lateStarts),
        cpuOf(r),
      ]),
    ),
  );
  for (const l of results) {
    for (const r of [l.itinera, l.custom, l.minimal]) {
      if (r.errors === 0) continue;
      const kinds = [...r.errorKinds].sort((a, b) => b[1] - a[1]).map(([kind, n]) => `${fmt(n)} × ${kind}`);
      out(`  ${r.system} ${r.label}: ${fmt(r.errors)} of ${fmt(r.sent)} POSTs failed: ${kinds.slice(0, 3).join('; ')}`);
    }
  }
  out('  "> x": a lower bound (messages not at the provider when the level stopped waiting count as cut-off − sent).');
  out('  late: events this process sent more than 5 ms after their slot (it was short of CPU).');
  for (const l of results) {
    const [i, c, m] = [l.itinera.e2e, l.custom.e2e, l.minimal.e2e];
    out(
      `  at ${l.label}: itinera/custom p50 ${ratioText(ratioOf(i.p50, c.p50))}, p95 ${ratioText(ratioOf(i.p95, c.p95))}, p99 ${ratioText(ratioOf(i.p99, c.p99))}; ` +
        `itinera/minimal p50 ${ratioText(ratioOf(i.p50, m.p50))}, p99 ${ratioText(ratioOf(i.p99, m.p99))}`,
    );
  }
  for (const l of results) {
    out(
      `  where the time goes at ${l.label} (messages that arrived; each hop's own distribution; PostgreSQL now() is a transaction's start):`,
    );
    for (const [name, s] of Object.entries(l.hops)) out(`    ${name.padEnd(62)} ${statsLine(s)}`);
  }
  for (const l of results) {
    const { ratio, verdict } = latencyVerdict(l);
    out(`  target p99 ≤ ${TARGET.p99RatioToCustom}× the custom build's at ${l.label}: ${ratioText(ratio)}, ${verdictText(verdict)}`);
  }
  const at500 = results.find((l) => l.rate === 500);
  if (at500) {
    const p99 = at500.itinera.e2e.p99;
    out(
      `  target p99 < ${TARGET.p99Ms} ms at 500/s: ${q(p99)} ms, ${verdictText(!p99.atLeast && p99.value < TARGET.p99Ms ? 'met' : 'missed')}`,
    );
  }
  out();
  return results;
}

// ───────────────────────────── 2. throughput ─────────────────────────────

interface ThroughputResult {
  runs: number;
  completed: number;
  failed: number;
  delivered: number;
  steadyRunsPerSecond: number;
  overallRunsPerSecond: number;
  enteredPerSecond: number;
  window: WindowFigures;
  txPerRun: number;
  workerCpuMsPerRun: number;
  entryTx: number;
  executorTx: number;
  custom: {
    sent: number;
    delivered: number;
    steadyPerSecond: number;
    overallPerSecond: number;
    window: WindowFigures;
    txPerMessage: number;
  };
}

/** Runs per second between the 10th and 90th percentile of their end, and from the first entry to the last end. */
async function rateOf(
  sql: string,
  params: unknown[],
): Promise<{ steady: number; overall: number; ended: number; first: number; last: number }> {
  const { rows } = await query(
    `WITH t AS (${sql})
     SELECT extract(epoch FROM percentile_disc(0.1) WITHIN GROUP (ORDER BY ended_at)) AS e10,
            extract(epoch FROM percentile_disc(0.9) WITHIN GROUP (ORDER BY ended_at)) AS e90,
            extract(epoch FROM min(started_at)) AS first_in, extract(epoch FROM max(started_at)) AS last_in,
            extract(epoch FROM max(ended_at)) AS last_out, count(ended_at)::int AS ended
       FROM t`,
    params,
  );
  const r = rows[0];
  return {
    steady: (0.8 * r.ended) / (Number(r.e90) - Number(r.e10)),
    overall: r.ended / (Number(r.last_out) - Number(r.first_in)),
    ended: r.ended,
    first: Number(r.first_in),
    last: Number(r.last_in),
  };
}

/**
 * Polls every 250 ms until `n` reaches `wanted`, or neither `n` nor `marker` (anything that changes
 * while work goes on) has moved for 20 s; returns the last `n`.
 */
async function waitForCount(what: string, wanted: number, count: () => Promise<{ n: number; marker?: string }>): Promise<number> {
  let last = '';
  let lastChange = Date.now();
  for (;;) {
    const { n, marker } = await count();
    if (n >= wanted || interrupted) return n;
    const now = `${n} ${marker ?? ''}`;
    if (now !== last) {
      last = now;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > 20_000) {
      out(`  no progress for 20 s at ${fmt(n)}/${fmt(wanted)} ${what}; measuring what completed`);
      return n;
    }
    await sleep(250);
  }
}

const RUN_DONE = "status IN ('completed', 'failed', 'exited')";
const customSentCount = async (prefix: string) => ({
  n: (
    await query(
      "SELECT count(*)::int AS n FROM custom_messages m JOIN custom_events e ON e.id = m.event_id WHERE m.status = 'sent' AND e.message_id LIKE $1",
      [`${RUN_ID}-${prefix}-%`],
    )
  ).rows[0].n as number,
});
/** Runs of a journey that ended, and a marker that moves whenever any of its runs moves. */
async function runsDone(journeyId: string): Promise<{ n: number; marker: string }> {
  const { rows } = await query(
    `SELECT count(*) FILTER (WHERE ${RUN_DONE})::int AS n, count(*) || ' ' || coalesce(max(updated_at)::text, '') AS marker
       FROM journey_runs WHERE journey_id = $1`,
    [journeyId],
  );
  return rows[0] as { n: number; marker: string };
}

async function throughputPart(): Promise<ThroughputResult> {
  out(
    `── 2. sustained runs/s: ${fmt(RUNS)} runs of trigger → send → exit, then ${fmt(RUNS)} messages of the custom build; ` +
      `events through /v1/batch (100 per batch, 4 in flight: ingestion is not the limit) ──`,
  );
  const journey = await publishJourney('Bench throughput', 'Bench Throughput');
  const t = performance.now();
  // Warm-up, not measured: runs of a journey of the same shape (and messages of the custom build),
  // so that the tables are not empty when they are analysed and plans are made.
  const warmUp = Math.max(50, Math.round(RUNS / 10));
  const warmJourney = await publishJourney('Bench throughput warm-up', 'Bench Throughput Warm-up');
  await identify('thr', RUNS);
  await identify('thw', warmUp);
  await identify('cthr', RUNS, customBatch);
  await identify('cthw', warmUp, customBatch);
  await ingestAll(itineraBatch, trackEvents('thw', warmUp, 'Bench Throughput Warm-up'), 100, 4);
  await ingestAll(customBatch, trackEvents('cthw', warmUp, 'Bench Throughput'), 100, 4);
  await settle();
  await waitForCount('custom warm-up messages', warmUp, () => customSentCount('cthw'));
  await analyze();
  const warmed = (await runsDone(warmJourney.id)).n;
  out(
    `  setup: ${fmt(RUNS)} profiles identified in each, ${fmt(warmed)} warm-up runs and ${fmt(warmUp)} custom-build messages done, tables analysed, in ${fmt((performance.now() - t) / 1000, 1)} s`,
  );

  const pids = { api: api!.child.pid, worker: worker!.child.pid, 'custom http': custom!.http.pid, 'custom worker': custom!.worker.pid };
  const idle = await quietWindow(pids);
  out(`  idle, over a ${fmt(idle.seconds, 1)} s quiet window: ${idleLine(idle, ['api', 'worker', 'postgres'])}`);

  // Itinera
  const start = idle.end;
  const statements = sampleStatements();
  let maxStreamBacklog = 0;
  let maxQueued = 0;
  let sampling = true;
  // Transactions committed against runs entered and ended, every 250 ms: the entry/execution split.
  const tx: Array<{ at: number; x: number; benchQueries: number; entered: number; done: number }> = [];
  const sampler = (async () => {
    while (sampling && !interrupted) {
      const at = performance.now();
      const { rows: x } = await admin!.query(XACT_SQL, [DATABASE]);
      const before = benchQueries;
      const { rows } = await query(
        `SELECT count(*)::int AS entered, count(*) FILTER (WHERE ${RUN_DONE})::int AS done FROM journey_runs WHERE journey_id = $1`,
        [journey.id],
      );
      tx.push({ at, x: x[0].x, benchQueries: before, entered: rows[0].entered, done: rows[0].done });
      maxStreamBacklog = Math.max(maxStreamBacklog, await streamBacklog());
      const counts = await queue!.getJobCounts('wait', 'active', 'prioritized');
      maxQueued = Math.max(maxQueued, (counts.wait ?? 0) + (counts.active ?? 0) + (counts.prioritized ?? 0));
      await sleep(250);
    }
  })();
  await ingestAll(itineraBatch, trackEvents('thr', RUNS, 'Bench Throughput'), 100, 4);
  const ingestSeconds = (performance.now() - start.at) / 1000;
  await waitForCount('runs', RUNS, () => runsDone(journey.id));
  const done = await reading(pids);
  sampling = false;
  await sampler;
  const busiest = await statements.stop();
  await sleep(STATS_FLUSH_MS);
  const closed = await reading(pids);
  const window = windowFigures(start, done, closed, idle);

  const { rows } = await query(
    `SELECT count(*) FILTER (WHERE status = 'completed')::int AS completed, count(*) FILTER (WHERE status = 'failed')::int AS failed
       FROM journey_runs WHERE journey_id = $1`,
    [journey.id],
  );
  const rate = await rateOf('SELECT entered_at AS started_at, ended_at FROM journey_runs WHERE journey_id = $1', [journey.id]);
  const sentRows = await query(
    `SELECT count(*)::int AS n FROM messages m JOIN journey_runs r ON r.id = m.run_id WHERE r.journey_id = $1 AND m.status = 'sent'`,
    [journey.id],
  );
  const delivered = [...receiver!.received.keys()].filter((k) => k.startsWith(`${RUN_ID}-thr-`)).length;
  // Execution alone: from when every run had entered to 95% ended. Entry: before that, less what execution did meanwhile.
  const net = (a: (typeof tx)[number], b: (typeof tx)[number]) =>
    b.x - a.x - (b.benchQueries - a.benchQueries) - (idle.txPerSecond * (b.at - a.at)) / 1000;
  const allIn = tx.find((x) => x.entered >= RUNS);
  const lateTail = [...tx].reverse().find((x) => x.done <= 0.95 * RUNS);
  const executorTx =
    allIn && lateTail && lateTail.done - allIn.done >= 0.2 * RUNS ? net(allIn, lateTail) / (lateTail.done - allIn.done) : NaN;
  const entryTx =
    allIn && tx.length > 0 ? (net(tx[0], allIn) - executorTx * (allIn.done - tx[0].done)) / (allIn.entered - tx[0].entered) : NaN;
  const completed = rows[0].completed as number;
  const ended = completed + (rows[0].failed as number);

  out(`  itinera: ingested in ${fmt(ingestSeconds, 1)} s; all runs ended ${fmt(window.seconds, 1)} s after the first batch`);
  out(
    `    runs: ${fmt(completed)} completed, ${fmt(rows[0].failed)} failed; messages sent ${fmt(sentRows.rows[0].n)}, at the receiver ${fmt(delivered)}`,
  );
  out(
    `    entered ${fmt(RUNS / (rate.last - rate.first))} runs/s (first to last run created); completed ${fmt(rate.steady)} runs/s between the 10th and 90th percentile of ended_at, ${fmt(rate.overall)} runs/s first entry to last end`,
  );
  out(
    `    backlog: at most ${fmt(maxStreamBacklog)} stream entries not yet applied by the consumer, ${fmt(maxQueued)} journey jobs waiting or active in BullMQ`,
  );
  out(
    `    cpu (cores, first batch to last run ended): ${cpuLine(window.cores)}; per run, idle subtracted: worker ${ms(window.cpuMs.worker / ended)} ms, api ${ms(window.cpuMs.api / ended)} ms, PostgreSQL ${ms(window.cpuMs.postgres / ended)} ms`,
  );
  out(
    `    PostgreSQL transactions per run: ${fmt(window.tx / ended, 2)} for the whole run (ingestion, entry, execution), ` +
      `after taking off ${subtracted(window, ended)}; of which ≈ ${fmt(entryTx, 2)} to enter it and ≈ ${fmt(executorTx, 2)} to execute it ` +
      '(slopes while runs entered and after; the statistics are published up to a second late)',
  );
  out(`    rows written per run (pg_stat_user_tables, idle subtracted): ${rowsLine(window.rows, ended)}`);
  out('    busiest PostgreSQL statements (share of samples of busy backends, every 25 ms):');
  for (const { what, share } of busiest) out(`      ${fmt(share * 100, 1).padStart(5)}%  ${what}`);

  // The custom build, same events, right after.
  const cStart = closed;
  await ingestAll(customBatch, trackEvents('cthr', RUNS, 'Bench Throughput'), 100, 4);
  const cIngestSeconds = (performance.now() - cStart.at) / 1000;
  const sent = await waitForCount('custom-build messages', RUNS, () => customSentCount('cthr'));
  const cDone = await reading(pids);
  await sleep(STATS_FLUSH_MS);
  const cClosed = await reading(pids);
  const cWindow = windowFigures(cStart, cDone, cClosed, idle);
  const cRate = await rateOf(
    `SELECT e.received_at AS started_at, m.sent_at AS ended_at FROM custom_messages m JOIN custom_events e ON e.id = m.event_id
      WHERE m.status = 'sent' AND e.message_id LIKE $1`,
    [`${RUN_ID}-cthr-%`],
  );
  const cDelivered = [...receiver!.received.keys()].filter((k) => k.startsWith(`${RUN_ID}-cthr-`)).length;
  out(`  custom build: ingested in ${fmt(cIngestSeconds, 1)} s; all messages sent ${fmt(cWindow.seconds, 1)} s after the first batch`);
  out(
    `    messages: ${fmt(sent)} sent, at the receiver ${fmt(cDelivered)}; ${fmt(cRate.steady)} messages/s between the 10th and 90th percentile of sent_at, ${fmt(cRate.overall)}/s first event stored to last sent`,
  );
  out(
    `    cpu (cores): ${cpuLine(cWindow.cores)}; per message, idle subtracted: worker ${ms(cWindow.cpuMs['custom worker'] / sent)} ms, http ${ms(cWindow.cpuMs['custom http'] / sent)} ms, PostgreSQL ${ms(cWindow.cpuMs.postgres / sent)} ms`,
  );
  out(
    `    PostgreSQL transactions per message: ${fmt(cWindow.tx / sent, 2)} after taking off ${subtracted(cWindow, sent, 'message')} ` +
      '(by its code: 1 per batch of 100 events, then 3 per message: read, claim, mark sent)',
  );
  out(`    rows written per message: ${rowsLine(cWindow.rows, sent)}`);

  const result: ThroughputResult = {
    runs: RUNS,
    completed,
    failed: rows[0].failed,
    delivered,
    steadyRunsPerSecond: rate.steady,
    overallRunsPerSecond: rate.overall,
    enteredPerSecond: RUNS / (rate.last - rate.first),
    window,
    txPerRun: window.tx / ended,
    workerCpuMsPerRun: window.cpuMs.worker / ended,
    entryTx,
    executorTx,
    custom: {
      sent,
      delivered: cDelivered,
      steadyPerSecond: cRate.steady,
      overallPerSecond: cRate.overall,
      window: cWindow,
      txPerMessage: cWindow.tx / sent,
    },
  };
  const ratio = result.steadyRunsPerSecond / result.custom.steadyPerSecond;
  out(
    `  itinera/custom build: ${fmt(ratio, 2)}× (${fmt(result.steadyRunsPerSecond)} runs/s against ${fmt(result.custom.steadyPerSecond)} messages/s)`,
  );
  for (const [what, figure, verdict] of throughputVerdicts(result)) out(`  target ${what}: ${figure}, ${verdictText(verdict)}`);
  out();
  return result;
}

/** The throughput part's targets: what, the figure, the verdict. */
function throughputVerdicts(r: ThroughputResult): Array<[string, string, Verdict]> {
  const ratio = r.steadyRunsPerSecond / r.custom.steadyPerSecond;
  const v = (ok: boolean, figure: number): Verdict => (Number.isFinite(figure) ? (ok ? 'met' : 'missed') : 'not measured');
  return [
    [
      `≥ ${fmt(TARGET.runsPerSecond)} runs/s`,
      `${fmt(r.steadyRunsPerSecond)} runs/s`,
      v(r.steadyRunsPerSecond >= TARGET.runsPerSecond, r.steadyRunsPerSecond),
    ],
    [`≥ ${TARGET.runsRatioToCustom}× the custom build`, `${fmt(ratio, 2)}×`, v(ratio >= TARGET.runsRatioToCustom, ratio)],
    [`≤ ${TARGET.txPerRun} PostgreSQL transactions per run`, fmt(r.txPerRun, 2), v(r.txPerRun <= TARGET.txPerRun, r.txPerRun)],
    [
      `≤ ${TARGET.workerCpuMsPerRun} ms worker CPU per run`,
      `${ms(r.workerCpuMsPerRun)} ms`,
      v(r.workerCpuMsPerRun <= TARGET.workerCpuMsPerRun, r.workerCpuMsPerRun),
    ],
  ];
}

// ───────────────────────────── 3. long journey ─────────────────────────────

interface LongResult {
  runs: number;
  completed: number;
  failed: number;
  firstAtReceiver: number;
  secondAtReceiver: number;
  steadyRunsPerSecond: number;
  overallRunsPerSecond: number;
  window: WindowFigures;
  txPerRun: number;
}

async function longPart(): Promise<LongResult> {
  out(
    `── 3. long journey: ${fmt(LONG_RUNS)} runs of trigger → branch → update_profile → send → delay 1 s → send → exit, events through /v1/batch (100 per batch, 4 in flight) ──`,
  );
  let t = performance.now();
  const journey = await publishLongJourney('Bench long', 'Bench Long');
  const warmUp = Math.max(20, Math.round(LONG_RUNS / 10));
  const warmJourney = await publishLongJourney('Bench long warm-up', 'Bench Long Warm-up');
  await identify('lng', LONG_RUNS);
  await identify('lnw', warmUp);
  await ingestAll(itineraBatch, trackEvents('lnw', warmUp, 'Bench Long Warm-up'), 100, 4);
  await settle();
  // settle() waits for no active run; these also wait in their delay.
  const warmed = await waitForCount('warm-up runs', warmUp, () => runsDone(warmJourney.id));
  await analyze();
  out(
    `  setup: ${fmt(LONG_RUNS)} profiles identified and applied, ${fmt(warmed)} warm-up runs ended, tables analysed, in ${fmt((performance.now() - t) / 1000, 1)} s`,
  );

  const pids = { api: api!.child.pid, worker: worker!.child.pid };
  const idle = await quietWindow(pids);
  out(`  idle, over a ${fmt(idle.seconds, 1)} s quiet window: ${idleLine(idle, ['api', 'worker', 'postgres'])}`);
  const start = idle.end;
  const statements = sampleStatements();
  t = performance.now();
  await ingestAll(itineraBatch, trackEvents('lng', LONG_RUNS, 'Bench Long'), 100, 4);
  const ingestSeconds = (performance.now() - t) / 1000;
  await waitForCount('runs', LONG_RUNS, () => runsDone(journey.id));
  const done = await reading(pids);
  const busiest = await statements.stop();
  await sleep(STATS_FLUSH_MS);
  const closed = await reading(pids);
  const window = windowFigures(start, done, closed, idle);

  const { rows } = await query(
    `SELECT count(*) FILTER (WHERE status = 'completed')::int AS completed, count(*) FILTER (WHERE status = 'failed')::int AS failed
       FROM journey_runs WHERE journey_id = $1`,
    [journey.id],
  );
  const rate = await rateOf('SELECT entered_at AS started_at, ended_at FROM journey_runs WHERE journey_id = $1', [journey.id]);
  const keys = [...receiver!.received.keys()].filter((k) => k.startsWith(`${RUN_ID}-lng-`));
  const second = keys.filter((k) => k.endsWith(':2')).length;
  const completed = rows[0].completed as number;
  const ended = completed + (rows[0].failed as number);
  const result: LongResult = {
    runs: LONG_RUNS,
    completed,
    failed: rows[0].failed,
    firstAtReceiver: keys.length - second,
    secondAtReceiver: second,
    steadyRunsPerSecond: rate.steady,
    overallRunsPerSecond: rate.overall,
    window,
    txPerRun: window.tx / ended,
  };
  out(`  ingested in ${fmt(ingestSeconds, 1)} s; all runs ended ${fmt(window.seconds, 1)} s after the first batch`);
  out(
    `  runs: ${fmt(completed)} completed, ${fmt(result.failed)} failed; at the receiver ${fmt(result.firstAtReceiver)} first and ${fmt(second)} second messages`,
  );
  out(
    `  completed ${fmt(rate.steady)} runs/s between the 10th and 90th percentile of ended_at, ${fmt(rate.overall)} runs/s first entry to last end (each run waits 1 s)`,
  );
  out(
    `  cpu (cores, first batch to last run ended): ${cpuLine(window.cores)}; per run, idle subtracted: worker ${ms(window.cpuMs.worker / ended)} ms, api ${ms(window.cpuMs.api / ended)} ms, PostgreSQL ${ms(window.cpuMs.postgres / ended)} ms`,
  );
  out(
    `  PostgreSQL transactions per run: ${fmt(result.txPerRun, 2)} for the whole run (ingestion, entry, 7 steps, the timer, the profile change), ` +
      `after taking off ${subtracted(window, ended)}`,
  );
  out(`  rows written per run (pg_stat_user_tables, idle subtracted): ${rowsLine(window.rows, ended)}`);
  out('  busiest PostgreSQL statements (share of samples of busy backends, every 25 ms):');
  for (const { what, share } of busiest) out(`    ${fmt(share * 100, 1).padStart(5)}%  ${what}`);
  const [what, figure, verdict] = longVerdict(result);
  out(`  target ${what}: ${figure}, ${verdictText(verdict)}`);
  out();
  return result;
}

function longVerdict(r: LongResult): [string, string, Verdict] {
  return [
    `≤ ${TARGET.txPerLongRun} PostgreSQL transactions per long run`,
    fmt(r.txPerRun, 2),
    Number.isFinite(r.txPerRun) ? (r.txPerRun <= TARGET.txPerLongRun ? 'met' : 'missed') : 'not measured',
  ];
}

// ───────────────────────────── 4. waiting runs ─────────────────────────────

const WAIT_DELAY_S = 90 * 86_400; // the waiting journeys' delay: 90 days
const WAKE_DELAY_S = 86_400; // the wake-up journey's delay: 1 day

/**
 * Inserts runs [from, to) of a set of journeys (table `journeys`: k, id, version, name, event),
 * run g on journey g / pool and profile g % pool (table `bench_profiles`: n, id), exactly as
 * the engine leaves a run that entered by an event and reached its delay: the run `waiting` at
 * node `d` (context with the entry event, run info and no visits yet, entry key of the event, no
 * lease), its steps (the trigger `completed` on port next, the delay `waiting` with its `until`)
 * and the delay's timer. `due` is an SQL expression of `g` and `entered_at` giving the timer's due time.
 */
function insertRunsSql(journeys: string, due: string, enteredAt: string): string {
  return `
    WITH src AS MATERIALIZED (
      SELECT g, gen_random_uuid() AS id, j.id AS journey_id, j.version, j.name AS journey_name, j.event, p.id AS profile_id, ${enteredAt} AS entered_at
        FROM generate_series($1::bigint, $2::bigint - 1) AS g
        JOIN ${journeys} j ON j.k = g / $3
        JOIN bench_profiles p ON p.n = g % $3
    ), ev AS MATERIALIZED (
      SELECT src.*, date_trunc('milliseconds', ${due}) AS due_at,
             jsonb_build_object('name', event, 'type', 'track', 'messageId', 'itn-' || gen_random_uuid(),
                                'properties', jsonb_build_object('plan', 'pro', 'source', 'web', 'trialDays', 14),
                                'traits', '{}'::jsonb, 'context', $5::jsonb,
                                'timestamp', to_char(entered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) AS event_json
        FROM src
    ), runs AS (
      INSERT INTO journey_runs (id, workspace_id, journey_id, version, profile_id, status, current_node, context, entry_key, entered_at, updated_at)
      SELECT id, $4, journey_id, version, profile_id, 'waiting', 'd',
             jsonb_build_object('event', event_json, 'data', '{}'::jsonb,
                                'run', jsonb_build_object('id', id, 'journeyId', journey_id, 'journeyName', journey_name, 'version', version,
                                                          'enteredAt', to_char(entered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
                                'visits', '{}'::jsonb),
             'event:' || (9000000000 + g), entered_at, entered_at
        FROM ev
    ), steps AS (
      INSERT INTO journey_steps (run_id, node_id, visit, node_type, status, input, output, port, started_at, finished_at)
      SELECT id, 't', 1, 'trigger', 'completed', jsonb_build_object('config', jsonb_build_object('event', event)),
             jsonb_build_object('event', event_json, 'data', '{}'::jsonb), 'next', entered_at, entered_at
        FROM ev
      UNION ALL
      SELECT id, 'd', 1, 'delay', 'waiting', jsonb_build_object('config', jsonb_build_object('seconds', $6::int)),
             jsonb_build_object('until', to_char(due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')), NULL, entered_at, NULL
        FROM ev
    )
    INSERT INTO journey_timers (run_id, node_id, visit, kind, due_at)
    SELECT id, 'd', 1, 'delay', due_at FROM ev`;
}

async function tableSizes(): Promise<Array<{ name: string; rows: number; total: number; indexes: number }>> {
  const { rows } = await query(
    `SELECT c.relname AS name, c.reltuples::bigint AS rows, pg_total_relation_size(c.oid) AS total, pg_indexes_size(c.oid) AS indexes
       FROM pg_class c WHERE c.relname IN ('journey_runs', 'journey_steps', 'journey_timers') AND c.relkind = 'r' ORDER BY 1`,
  );
  return rows.map((r) => ({ name: r.name, rows: Number(r.rows), total: Number(r.total), indexes: Number(r.indexes) }));
}

async function databaseSize(): Promise<number> {
  return Number((await query('SELECT pg_database_size(current_database()) AS n')).rows[0].n);
}

/** Redis: the server's used_memory, and the keys of this run's prefix with their MEMORY USAGE. */
async function redisMemory(): Promise<{ used: number; keys: number; keyBytes: number; biggest: string }> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
  try {
    const used = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1] ?? NaN);
    let cursor = '0';
    let keys = 0;
    let keyBytes = 0;
    let biggest = '';
    let biggestBytes = 0;
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${REDIS_PREFIX}:*`, 'COUNT', 1000);
      for (const k of batch) {
        keys += 1;
        const bytes = Number((await redis.call('MEMORY', 'USAGE', k, 'SAMPLES', '0')) ?? 0);
        keyBytes += bytes;
        if (bytes > biggestBytes) {
          biggestBytes = bytes;
          biggest = `${k.slice(REDIS_PREFIX.length + 1)} ${mib(bytes)}`;
        }
      }
      cursor = next;
    } while (cursor !== '0');
    return { used, keys, keyBytes, biggest };
  } finally {
    redis.disconnect();
  }
}

interface MemoryPoint {
  label: string;
  apiRss: number;
  workerRss: number;
  redis: Awaited<ReturnType<typeof redisMemory>>;
  database: number;
}

async function memoryPoint(label: string): Promise<MemoryPoint> {
  return {
    label,
    apiRss: rss(api?.child.pid),
    workerRss: rss(worker?.child.pid),
    redis: await redisMemory(),
    database: await databaseSize(),
  };
}

interface WaitingResult {
  waiting: number;
  insertSeconds: number;
  points: MemoryPoint[];
  maxApiRssWindow: number;
  maxWorkerRssWindow: number;
  sizes: Awaited<ReturnType<typeof tableSizes>>;
  fired: Stats;
  resumed: Stats;
  sent: Stats;
  atProvider: Stats;
  completed: number;
  pollMs: number;
}

async function waitingPart(): Promise<WaitingResult> {
  out(`── 4. ${fmt(WAITING)} runs waiting in delays (SQL), then ${fmt(DUE)} timers falling due over ${fmt(WINDOW_S)} s ──`);
  const workspaceId = (await query("SELECT workspace_id FROM api_keys WHERE key_hash = encode(sha256($1::bytea), 'hex')", [WRITE_KEY]))
    .rows[0].workspace_id as string;

  // Profiles: every profile of the workspace, at least enough that 100 journeys hold the waiting runs.
  let pool = Number((await query('SELECT count(*) AS n FROM profiles WHERE workspace_id = $1', [workspaceId])).rows[0].n);
  const wanted = Math.max(DUE, Math.ceil(WAITING / 100), 1000);
  if (pool < wanted) {
    await identify('wait', wanted - pool);
    await settle();
    pool = wanted;
  }
  await query(
    'CREATE TABLE bench_profiles AS SELECT (row_number() OVER (ORDER BY id) - 1)::int AS n, id FROM profiles WHERE workspace_id = $1',
    [workspaceId],
  );
  pool = Number((await query('SELECT count(*) AS n FROM bench_profiles')).rows[0].n);
  await query('CREATE UNIQUE INDEX ON bench_profiles (n)');

  const journeyCount = Math.max(1, Math.ceil(WAITING / pool));
  let t = performance.now();
  await query('CREATE TABLE bench_waiting (k int PRIMARY KEY, id uuid, version int, name text, event text)');
  for (let k = 0; k < journeyCount; k += 1) {
    const name = `Bench waiting ${k + 1}`;
    const event = `Bench Never ${k + 1}`;
    const j = await publishJourney(name, event, WAIT_DELAY_S);
    await query('INSERT INTO bench_waiting VALUES ($1, $2, $3, $4, $5)', [k, j.id, j.version, name, event]);
  }
  const wake = await publishJourney('Bench wake-up', 'Bench Wake', WAKE_DELAY_S);
  await query('CREATE TABLE bench_wake (k int PRIMARY KEY, id uuid, version int, name text, event text)');
  await query('INSERT INTO bench_wake VALUES (0, $1, $2, $3, $4)', [wake.id, wake.version, 'Bench wake-up', 'Bench Wake']);
  out(
    `  setup: ${fmt(pool)} profiles, ${fmt(journeyCount)} waiting journeys (trigger → delay 90 days → send → exit) and one wake-up journey (delay 1 day) published in ${fmt((performance.now() - t) / 1000, 1)} s`,
  );

  await sleep(2000); // let the processes settle after the setup before the first reading
  const points: MemoryPoint[] = [await memoryPoint('before inserting')];

  // N waiting runs, in chunks, each chunk one statement (its own transaction), on parallel connections.
  t = performance.now();
  const sql = insertRunsSql(
    'bench_waiting',
    `entered_at + make_interval(secs => ${WAIT_DELAY_S})`,
    `now() - make_interval(secs => (g * 7919) % ${30 * 86_400})`,
  );
  let nextChunk = 0;
  let inserted = 0;
  await Promise.all(
    Array.from({ length: INSERT_CONNECTIONS }, async () => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        while (nextChunk < WAITING && !interrupted) {
          const from = nextChunk;
          const to = Math.min(WAITING, from + CHUNK);
          nextChunk = to;
          await client.query(sql, [from, to, pool, workspaceId, JSON.stringify(CONTEXT), WAIT_DELAY_S]);
          inserted += to - from;
          if (process.stdout.isTTY)
            process.stdout.write(
              `\r  inserting: ${fmt(inserted)}/${fmt(WAITING)} runs, ${fmt(inserted / ((performance.now() - t) / 1000))} runs/s   `,
            );
        }
      } finally {
        await client.end();
      }
    }),
  );
  const insertSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  await query('ANALYZE journey_runs, journey_steps, journey_timers');
  out(
    `${process.stdout.isTTY ? '\r' : ''}  inserted ${fmt(WAITING)} waiting runs (runs, 2 steps each, timers) in ${fmt(insertSeconds, 1)} s (${fmt(WAITING / insertSeconds)} runs/s, ${INSERT_CONNECTIONS} connections); ANALYZE ${fmt((performance.now() - t) / 1000, 1)} s`,
  );
  await sleep(2000);
  points.push(await memoryPoint('after inserting'));
  const sizes = await tableSizes();

  // The timer poll's query with the waiting runs in place (read-only form: no rows are due).
  const plan = await query(
    `EXPLAIN (ANALYZE, FORMAT JSON) SELECT id FROM journey_timers WHERE (CASE WHEN fired_at IS NULL THEN due_at END) <= now() ORDER BY (CASE WHEN fired_at IS NULL THEN due_at END) LIMIT 500 FOR UPDATE SKIP LOCKED`,
  );
  const pollMs = Number(plan.rows[0]['QUERY PLAN'][0]['Execution Time']) + Number(plan.rows[0]['QUERY PLAN'][0]['Planning Time']);

  // Runs whose delay falls due during the window, spread evenly, starting 2 s from now.
  const {
    rows: [{ t0 }],
  } = await query("SELECT extract(epoch FROM clock_timestamp() + interval '2 seconds') AS t0");
  const windowStart = Number(t0);
  const spread = WINDOW_S / DUE;
  await query(
    insertRunsSql(
      'bench_wake',
      `to_timestamp(${windowStart} + g * ${spread})`,
      `to_timestamp(${windowStart} + g * ${spread}) - make_interval(secs => ${WAKE_DELAY_S})`,
    ),
    [0, DUE, pool, workspaceId, JSON.stringify(CONTEXT), WAKE_DELAY_S],
  );
  out(
    `  ${fmt(DUE)} wake-up runs inserted; their timers fall due from ${new Date(windowStart * 1000).toISOString()} over ${fmt(WINDOW_S)} s`,
  );

  let maxApiRssWindow = 0;
  let maxWorkerRssWindow = 0;
  const windowEnd = windowStart * 1000 + WINDOW_S * 1000;
  let completed = 0;
  while (!interrupted) {
    maxApiRssWindow = Math.max(maxApiRssWindow, rss(api?.child.pid));
    maxWorkerRssWindow = Math.max(maxWorkerRssWindow, rss(worker?.child.pid));
    const { rows } = await query(
      "SELECT count(*)::int AS n FROM journey_runs WHERE journey_id = $1 AND status IN ('completed', 'failed')",
      [wake.id],
    );
    completed = rows[0].n;
    if (completed >= DUE && Date.now() > windowEnd) break;
    if (Date.now() > windowEnd + 30_000) {
      out(`  only ${fmt(completed)}/${fmt(DUE)} wake-up runs ended 30 s after the window`);
      break;
    }
    await sleep(250);
  }
  await sleep(2000);
  points.push(await memoryPoint('after the window'));

  const { rows } = await query(
    `SELECT extract(epoch FROM (t.fired_at - t.due_at)) * 1000 AS fired,
            extract(epoch FROM (d.finished_at - t.due_at)) * 1000 AS resumed,
            extract(epoch FROM (s.finished_at - t.due_at)) * 1000 AS sent,
            extract(epoch FROM t.due_at) * 1000 AS due,
            r.context->'event'->>'messageId' AS m
       FROM journey_runs r
       JOIN journey_timers t ON t.run_id = r.id AND t.node_id = 'd' AND t.visit = 1
       LEFT JOIN journey_steps d ON d.run_id = r.id AND d.node_id = 'd' AND d.visit = 1
       LEFT JOIN journey_steps s ON s.run_id = r.id AND s.node_id = 's' AND s.visit = 1
      WHERE r.journey_id = $1`,
    [wake.id],
  );
  const col = (name: string) => rows.map((r) => (r[name] === null ? NaN : Number(r[name])));
  const atProvider = rows.map((r) => {
    const at = receiver!.received.get(r.m);
    return at === undefined ? NaN : at - Number(r.due);
  });
  const result: WaitingResult = {
    waiting: WAITING,
    insertSeconds,
    points,
    maxApiRssWindow,
    maxWorkerRssWindow,
    sizes,
    fired: stats(col('fired')),
    resumed: stats(col('resumed')),
    sent: stats(col('sent')),
    atProvider: stats(atProvider),
    completed,
    pollMs,
  };

  out();
  table(
    ['', 'api RSS', 'worker RSS', 'Redis used_memory', `Redis keys ${REDIS_PREFIX}:*`, 'their MEMORY USAGE', 'pg_database_size'],
    points.map((p) => [
      p.label,
      mib(p.apiRss),
      mib(p.workerRss),
      mib(p.redis.used),
      fmt(p.redis.keys),
      mib(p.redis.keyBytes),
      mib(p.database),
    ]),
  );
  out(
    `  during the window: api RSS at most ${mib(maxApiRssWindow)}, worker RSS at most ${mib(maxWorkerRssWindow)}; largest key after: ${points[points.length - 1].redis.biggest || '—'}`,
  );
  out('  journey tables after inserting:');
  for (const s of sizes)
    out(`    ${s.name.padEnd(15)} ${fmt(s.rows).padStart(11)} rows  ${mib(s.total).padStart(12)} (indexes ${mib(s.indexes)})`);
  out(`  timer poll query with ${fmt(WAITING)} future timers: ${ms(pollMs)} ms (planning + execution)`);
  out(`  wake-up lateness after due_at (${fmt(completed)}/${fmt(DUE)} runs ended):`);
  out(`    timer fired (journey_timers.fired_at)              ${statsLine(result.fired)}`);
  out(`    delay step completed (run resumed)                 ${statsLine(result.resumed)}`);
  out(`    next step (send) completed                         ${statsLine(result.sent)}`);
  out(`    message at the provider                            ${statsLine(result.atProvider)}`);
  out(`  target p99 < ${fmt(TARGET.wakeP99Ms)} ms (next step completed): ${result.sent.p99 < TARGET.wakeP99Ms ? 'met' : 'MISSED'}`);
  out();
  return result;
}

// ───────────────────────────── main ─────────────────────────────

async function main(): Promise<number> {
  const benchStarted = performance.now();
  admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5000 });
  await admin.connect();
  const serverVersion = (await admin.query('SHOW server_version')).rows[0].server_version as string;
  const syncCommit = (await admin.query('SHOW synchronous_commit')).rows[0].synchronous_commit as string;
  databaseCreated = true; // before, so that an interruption during CREATE still drops it
  await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(DATABASE)}`);

  const cpus = os.cpus();
  out('Itinera journey engine benchmark');
  out(
    `machine   ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), ${fmt(os.totalmem() / 2 ** 30, 1)} GiB, load avg ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  out(`software  Node ${process.version}, PostgreSQL ${serverVersion} (synchronous_commit=${syncCommit}), Redis ${await redisVersion()}`);
  out(`run       database ${DATABASE}, Redis prefix ${REDIS_PREFIX}; parts ${[...PARTS].join(', ')}`);

  receiver = new Receiver();
  await receiver.start();

  const common = {
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    ITINERA_SECRET,
    ITINERA_BOOTSTRAP_WRITE_KEY: WRITE_KEY,
    ITINERA_BOOTSTRAP_SECRET_KEY: SECRET_KEY,
    ITINERA_DEMO: 'false',
    ITINERA_PLUGINS: WEBHOOK_PLUGIN,
    ITINERA_WORKER_CONCURRENCY: String(WORKER_CONCURRENCY),
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    REDIS_PREFIX,
  };
  const t = performance.now();
  const apiStarting = startApiProcess({ ...common, ITINERA_ROLE: 'api' }, 60_000);
  starting.push(apiStarting);
  api = await apiStarting;
  if (interrupted) return 130;
  // The worker is recognised by its "worker ready" line, logged at info.
  const workerStarting = startApiProcess({ ...common, ITINERA_ROLE: 'worker', LOG_LEVEL: 'info' }, 60_000);
  starting.push(workerStarting);
  worker = await workerStarting;
  if (interrupted) return 130;
  out(
    `processes api ${api.url} (pid ${api.child.pid}), worker (pid ${worker.child.pid}, concurrency ${WORKER_CONCURRENCY}); ready in ${fmt((performance.now() - t) / 1000, 1)} s`,
  );
  out(`provider  loopback HTTP receiver ${receiver.url}, behind the webhook channel (${WEBHOOK_PLUGIN})`);
  out();

  db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  queueRedis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  queue = new Queue('journeys', { connection: queueRedis, prefix: REDIS_PREFIX });

  await call('POST', '/api/channels', {
    pluginId: WEBHOOK_PLUGIN,
    name: 'Bench receiver',
    config: { signingSecret: `whsec_${randomBytes(32).toString('base64')}`, allowHosts: ['127.0.0.1'], timeoutMs: 5000 },
  });
  await call('POST', '/api/templates', {
    key: 'bench-hook',
    name: 'Bench hook',
    content: {
      webhook: {
        url: `${receiver.url}/hook`,
        body: { m: '{{ event.messageId }}', run: '{{ run.id }}', user: '{{ profile.userId }}', plan: '{{ profile.traits.plan }}' },
      },
    },
  });
  await call('POST', '/api/templates/bench-hook/publish', {});
  if (PARTS.has('long')) {
    // The long journey's second message: its own body key, so that the receiver counts it apart.
    await call('POST', '/api/templates', {
      key: 'bench-hook-2',
      name: 'Bench hook, second message',
      content: {
        webhook: {
          url: `${receiver.url}/hook`,
          body: {
            m: '{{ event.messageId }}:2',
            run: '{{ run.id }}',
            user: '{{ profile.userId }}',
            stage: '{{ profile.traits.bench_stage }}',
          },
        },
      },
    });
    await call('POST', '/api/templates/bench-hook-2/publish', {});
  }
  if (PARTS.has('latency') || PARTS.has('throughput')) {
    const started = performance.now();
    custom = await startPipeline('custom');
    if (PARTS.has('latency')) minimal = await startPipeline('minimal');
    out(
      `baselines custom build ${custom.url} (http pid ${custom.http.pid}, worker pid ${custom.worker.pid})` +
        `${minimal ? `, minimal pipeline ${minimal.url} (http pid ${minimal.http.pid}, worker pid ${minimal.worker.pid})` : ''}; ready in ${fmt((performance.now() - started) / 1000, 1)} s`,
    );
    out();
  }

  const summary: string[] = [];
  const targets: Array<[string, string, Verdict]> = [];
  let failures = 0;
  if (PARTS.has('latency')) {
    const levels = await latencyPart();
    if (interrupted) return 130;
    for (const l of levels) {
      if ([l.itinera, l.custom, l.minimal].some((r) => r.errors > 0) || l.custom.e2e.missing > 0 || l.minimal.e2e.missing > 0)
        failures += 1;
    }
    summary.push(
      `latency p99 ${levels
        .map(
          (l) =>
            `@${l.label} ${q(l.itinera.e2e.p99)} ms (custom ${q(l.custom.e2e.p99)}, minimal ${q(l.minimal.e2e.p99)}; itinera/custom ${ratioText(latencyVerdict(l).ratio)})`,
        )
        .join(', ')}`,
    );
    for (const l of levels) {
      const { ratio, verdict } = latencyVerdict(l);
      targets.push([`latency p99 ≤ ${TARGET.p99RatioToCustom}× the custom build's at ${l.label}`, ratioText(ratio), verdict]);
    }
    const at500 = levels.find((l) => l.rate === 500);
    if (at500) {
      const p99 = at500.itinera.e2e.p99;
      targets.push([
        `latency p99 < ${TARGET.p99Ms} ms at 500/s`,
        `${q(p99)} ms`,
        !p99.atLeast && p99.value < TARGET.p99Ms ? 'met' : 'missed',
      ]);
    }
  }
  if (PARTS.has('throughput')) {
    const r = await throughputPart();
    if (interrupted) return 130;
    if (r.completed !== r.runs || r.custom.sent !== r.runs) failures += 1;
    summary.push(
      `throughput ${fmt(r.steadyRunsPerSecond)} runs/s (${fmt(r.completed)}/${fmt(r.runs)} completed; custom build ${fmt(r.custom.steadyPerSecond)} messages/s, ` +
        `itinera/custom ${fmt(r.steadyRunsPerSecond / r.custom.steadyPerSecond, 2)}×), ${fmt(r.txPerRun, 2)} transactions and ${ms(r.workerCpuMsPerRun)} ms worker CPU per run`,
    );
    for (const [what, figure, verdict] of throughputVerdicts(r)) targets.push([`trigger → send → exit ${what}`, figure, verdict]);
  }
  if (PARTS.has('long')) {
    const r = await longPart();
    if (interrupted) return 130;
    if (r.completed !== r.runs || r.secondAtReceiver !== r.runs) failures += 1;
    summary.push(
      `long ${fmt(r.steadyRunsPerSecond)} runs/s (${fmt(r.completed)}/${fmt(r.runs)} completed), ${fmt(r.txPerRun, 2)} transactions per run`,
    );
    targets.push(longVerdict(r));
  }
  if (PARTS.has('waiting')) {
    const r = await waitingPart();
    if (interrupted) return 130;
    if (r.completed !== DUE) failures += 1;
    const [before, , after] = r.points;
    summary.push(
      `waiting ${fmt(r.waiting)}: RSS api ${mib(before.apiRss)}→${mib(after.apiRss)}, worker ${mib(before.workerRss)}→${mib(after.workerRss)}; ` +
        `Redis keys ${fmt(before.redis.keys)}→${fmt(after.redis.keys)}; wake-up p99 ${ms(r.sent.p99)} ms`,
    );
    targets.push([`wake-up p99 < ${fmt(TARGET.wakeP99Ms)} ms`, `${ms(r.sent.p99)} ms`, r.sent.p99 < TARGET.wakeP99Ms ? 'met' : 'missed']);
  }

  // The processes log JSON lines; warnings and errors, grouped by process, message and error.
  const logged = new Map<string, number>();
  for (const [name, p] of [
    ['api', api],
    ['worker', worker],
  ] as const) {
    for (const line of p.output().split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        const entry = JSON.parse(line) as { level?: string | number; msg?: string; err?: { message?: string } };
        if (!['warn', 'error', 'fatal', 40, 50, 60].includes(entry.level as never)) continue;
        const key = `${name} ${entry.level}: ${entry.msg ?? ''}${entry.err?.message ? ` (${entry.err.message.slice(0, 120)})` : ''}`;
        logged.set(key, (logged.get(key) ?? 0) + 1);
      } catch {
        // not a log line
      }
    }
  }
  if (logged.size > 0) {
    out('process log (warnings and errors):');
    for (const [key, n] of [...logged].sort((a, b) => b[1] - a[1]).slice(0, 8)) out(`  ${fmt(n).padStart(6)} × ${key}`);
  }
  if (receiver.duplicates > 0) out(`the receiver got ${receiver.duplicates} duplicate message(s)`);
  out(`total ${fmt((performance.now() - benchStarted) / 1000, 0)} s`);
  out();
  if (targets.length > 0) {
    out('targets');
    table(
      ['', 'measured', ''],
      targets.map(([what, figure, verdict]) => [what, figure, verdictText(verdict)]),
    );
    out();
  }
  const met = targets.filter(([, , v]) => v === 'met').length;
  const notMet = targets.filter(([, , v]) => v !== 'met').map(([what, , v]) => (v === 'missed' ? what : `${what} (${v})`));
  summary.push(`targets met ${met} of ${targets.length}${notMet.length > 0 ? `, not met: ${notMet.join(', ')}` : ''}`);
  out(`SUMMARY journeys ${summary.join('; ')} (${os.cpus().length} cores, Node ${process.version}, PostgreSQL ${serverVersion})`);
  return failures === 0 ? 0 : 1;
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  if (!interrupted) {
    process.stderr.write(`\nBenchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    for (const [name, p] of [
      ['API', api],
      ['worker', worker],
    ] as const) {
      if (p) process.stderr.write(`${name} output (last 2,000 characters):\n${p.output().slice(-2000)}\n`);
    }
  }
} finally {
  await cleanup();
}
process.exit(interrupted ? 130 : exitCode);
