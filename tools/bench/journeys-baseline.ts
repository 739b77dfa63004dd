/**
 * The baselines of the journey benchmark (journeys.ts): two hand-written pipelines doing the hops
 * Itinera does between an event and its first message, each as two processes of its own (like
 * Itinera's `api` and `worker` roles), with plain `pg`, `bullmq` and `node:http`.
 *
 * minimal  what the hops cost at the least:
 *   http   `POST /track` inserts the event as a row of `bench_baseline_events` and adds a BullMQ
 *          job naming the row;
 *   worker reads the row and POSTs a small JSON body to the provider on a new connection (as the
 *          webhook channel does), 2xx expected.
 *
 * custom   what a team would build instead of Itinera for a `trigger → send → exit` journey:
 *   http   Segment-style `POST /v1/batch` (`{ batch: [...] }`) and `POST /v1/track`, HTTP Basic
 *          auth with a write key, validated (400 on bad input, 401 on a wrong key, 413 over
 *          500 KB); the events of a request are stored in one statement (`custom_events`, with
 *          each userId's profile created or its identify traits merged into `custom_profiles`),
 *          then one BullMQ job per new track event of a trigger event, added in one call
 *          (`addBulk`, job id from the event: a retried request queues nothing twice);
 *   worker reads the event and its profile, claims the message row by its idempotency key
 *          (`custom_messages`, unique; a message already sent is not sent again), POSTs it to the
 *          provider signed per Standard Webhooks (`webhook-id` = the idempotency key) over a
 *          keep-alive connection, and marks it sent (or failed, and the job is retried).
 *
 * journeys.ts starts each role as its own process:
 *   node --experimental-strip-types tools/bench/journeys-baseline.ts minimal|custom http|worker
 * Environment: BASELINE_DATABASE_URL, REDIS_URL, BASELINE_PREFIX (BullMQ prefix), BASELINE_PORT
 * (http), BASELINE_WRITE_KEY (custom http), BASELINE_TRIGGER_EVENTS (custom http: comma-separated
 * event names that send a message), BASELINE_RECEIVER (worker: the provider's URL),
 * BASELINE_SIGNING_SECRET (custom worker), BASELINE_CONCURRENCY (worker, default 8).
 * The http role creates its tables (`CREATE TABLE IF NOT EXISTS`, as a migration at boot would),
 * so it is started before the worker. Each prints `ready` on stdout once it takes work, and stops
 * on SIGTERM.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';

const [pipeline, role] = process.argv.slice(2);
const env = (name: string): string => {
  const value = process.env[name];
  if (!value) {
    process.stderr.write(`${name} is required\n`);
    process.exit(2);
  }
  return value;
};

const CONCURRENCY = Number(process.env.BASELINE_CONCURRENCY ?? 8);
// A worker needs a connection per job in flight; the http role pg's default 10. Idle connections close after 10 s.
const pool = new pg.Pool({ connectionString: env('BASELINE_DATABASE_URL'), max: role === 'worker' ? CONCURRENCY : 10 });
const connection = new Redis(env('REDIS_URL'), { maxRetriesPerRequest: null });
const prefix = env('BASELINE_PREFIX');

/** The request's body, or undefined (413 answered) past `limit` bytes. */
function readBody(req: IncomingMessage, res: ServerResponse, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (!over) return resolve(Buffer.concat(chunks));
      res.writeHead(413, { 'content-type': 'application/json' }).end(JSON.stringify({ message: `body over ${limit} bytes` }));
      resolve(undefined);
    });
    req.on('error', reject);
  });
}

function listen(handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Promise<() => Promise<void>> {
  const server = createServer((req, res) => {
    handler(req, res).catch((error: Error) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: error.message }));
    });
  });
  server.keepAliveTimeout = 5000;
  return new Promise((resolve) =>
    server.listen(Number(env('BASELINE_PORT')), '127.0.0.1', () => {
      process.stdout.write(`ready ${(server.address() as AddressInfo).port}\n`);
      resolve(() => new Promise<void>((done) => server.close(() => done())));
    }),
  );
}

/** One POST; `agent: false` opens a new connection, as the webhook channel does. */
function post(url: URL, body: string, agent: Agent | false, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.end(body);
  });
}

// ───────────────────────────── minimal ─────────────────────────────

const MINIMAL_QUEUE = 'baseline';

async function minimalHttp(): Promise<() => Promise<void>> {
  await pool.query(`CREATE TABLE IF NOT EXISTS bench_baseline_events (
    id bigserial PRIMARY KEY, message_id text NOT NULL UNIQUE, user_id text, event text,
    properties jsonb NOT NULL, context jsonb NOT NULL, received_at timestamptz NOT NULL)`);
  const queue = new Queue(MINIMAL_QUEUE, { connection, prefix });
  const close = await listen(async (req, res) => {
    const body = await readBody(req, res, 512 * 1024);
    if (!body) return;
    if (req.method !== 'POST' || req.url !== '/track') {
      res.writeHead(404).end();
      return;
    }
    const event = JSON.parse(body.toString('utf8')) as {
      messageId: string;
      userId: string;
      event: string;
      properties?: unknown;
      context?: unknown;
    };
    const { rows } = await pool.query(
      `INSERT INTO bench_baseline_events (message_id, user_id, event, properties, context, received_at)
       VALUES ($1, $2, $3, $4, $5, now()) RETURNING id`,
      [event.messageId, event.userId, event.event, JSON.stringify(event.properties ?? {}), JSON.stringify(event.context ?? {})],
    );
    await queue.add('deliver', { id: rows[0].id as string }, { removeOnComplete: true, attempts: 5 });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"success":true}');
  });
  return async () => {
    await close();
    await queue.close();
  };
}

async function minimalWorker(): Promise<() => Promise<void>> {
  const receiver = new URL(env('BASELINE_RECEIVER'));
  const w = new Worker(
    MINIMAL_QUEUE,
    async (job) => {
      const { rows } = await pool.query('SELECT message_id, user_id, event FROM bench_baseline_events WHERE id = $1', [job.data.id]);
      if (rows.length === 0) throw new Error(`event ${job.data.id} not found`);
      const status = await post(receiver, JSON.stringify({ m: rows[0].message_id, user: rows[0].user_id, event: rows[0].event }), false);
      if (status < 200 || status >= 300) throw new Error(`provider answered ${status}`);
    },
    { connection, prefix, concurrency: CONCURRENCY },
  );
  await w.waitUntilReady();
  process.stdout.write('ready\n');
  return () => w.close();
}

// ───────────────────────────── custom build ─────────────────────────────

const CUSTOM_QUEUE = 'messages';
const EVENT_TYPES = new Set(['track', 'identify', 'page', 'screen', 'group', 'alias']);
const MAX_BATCH_BYTES = 500 * 1024;

class BadRequest extends Error {}

interface StoredEvent {
  message_id: string;
  type: string;
  user_id: string | null;
  anonymous_id: string | null;
  event: string | null;
  properties: unknown;
  traits: unknown;
  context: unknown;
  timestamp: string | null;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const optionalString = (value: unknown, what: string, at: string): string | null => {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length > 200) throw new BadRequest(`${at}: ${what} must be a string of at most 200 characters`);
  return value;
};

/** Checks one Segment-style event and turns it into a row of `custom_events`. */
function toRow(raw: unknown, at: string, impliedType?: string): StoredEvent {
  if (!isObject(raw)) throw new BadRequest(`${at}: an event is an object`);
  const type = impliedType ?? raw.type;
  if (typeof type !== 'string' || !EVENT_TYPES.has(type)) throw new BadRequest(`${at}: type must be one of ${[...EVENT_TYPES].join(', ')}`);
  const messageId = optionalString(raw.messageId, 'messageId', at);
  if (!messageId || messageId.length > 100) throw new BadRequest(`${at}: messageId is required, at most 100 characters`);
  const userId = optionalString(raw.userId, 'userId', at);
  const anonymousId = optionalString(raw.anonymousId, 'anonymousId', at);
  if (!userId && !anonymousId) throw new BadRequest(`${at}: userId or anonymousId is required`);
  const event = optionalString(raw.event, 'event', at);
  if (type === 'track' && !event) throw new BadRequest(`${at}: a track event needs its event name`);
  for (const key of ['properties', 'traits', 'context'] as const) {
    if (raw[key] !== undefined && !isObject(raw[key])) throw new BadRequest(`${at}: ${key} must be an object`);
  }
  const timestamp = optionalString(raw.timestamp, 'timestamp', at);
  if (timestamp && Number.isNaN(Date.parse(timestamp))) throw new BadRequest(`${at}: timestamp is not a date`);
  return {
    message_id: messageId,
    type,
    user_id: userId,
    anonymous_id: anonymousId,
    event,
    properties: raw.properties ?? {},
    traits: raw.traits ?? null,
    context: raw.context ?? {},
    timestamp,
  };
}

/**
 * One statement, its own transaction: the events (a messageId stored before is skipped), and a
 * profile per userId of the request, created, or with the request's identify traits merged in.
 * Returns the events stored now.
 */
const STORE_EVENTS = `
  WITH input AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(message_id text, type text, user_id text, anonymous_id text, event text,
                                                   properties jsonb, traits jsonb, context jsonb, timestamp timestamptz)
  ), profiles AS (
    INSERT INTO custom_profiles (user_id, traits)
    SELECT p.user_id, p.traits FROM jsonb_to_recordset($2::jsonb) AS p(user_id text, traits jsonb)
    ON CONFLICT (user_id) DO UPDATE SET traits = custom_profiles.traits || excluded.traits, updated_at = now()
      WHERE excluded.traits <> '{}'::jsonb
  )
  INSERT INTO custom_events (message_id, type, user_id, anonymous_id, event, properties, traits, context, timestamp)
  SELECT message_id, type, user_id, anonymous_id, event, properties, traits, context, coalesce(timestamp, now()) FROM input
  ON CONFLICT (message_id) DO NOTHING
  RETURNING id, type, event`;

async function customHttp(): Promise<() => Promise<void>> {
  await pool.query(`
    CREATE TABLE IF NOT EXISTS custom_profiles (
      user_id text PRIMARY KEY, traits jsonb NOT NULL DEFAULT '{}', created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now());
    CREATE TABLE IF NOT EXISTS custom_events (
      id bigserial PRIMARY KEY, message_id text NOT NULL UNIQUE, type text NOT NULL, user_id text, anonymous_id text, event text,
      properties jsonb NOT NULL, traits jsonb, context jsonb NOT NULL, timestamp timestamptz NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now());
    CREATE INDEX IF NOT EXISTS custom_events_user_idx ON custom_events (user_id, timestamp);
    CREATE TABLE IF NOT EXISTS custom_messages (
      id bigserial PRIMARY KEY, idempotency_key text NOT NULL UNIQUE, event_id bigint NOT NULL REFERENCES custom_events (id),
      user_id text, status text NOT NULL, attempts int NOT NULL DEFAULT 1, error text,
      created_at timestamptz NOT NULL DEFAULT now(), sent_at timestamptz);`);
  const expected = Buffer.from(`Basic ${Buffer.from(`${env('BASELINE_WRITE_KEY')}:`).toString('base64')}`);
  const triggers = new Set(
    env('BASELINE_TRIGGER_EVENTS')
      .split(',')
      .map((s) => s.trim()),
  );
  const queue = new Queue(CUSTOM_QUEUE, { connection, prefix });

  const close = await listen(async (req, res) => {
    const answer = (status: number, body: unknown) =>
      void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const single = req.url === '/v1/track';
    if (req.method !== 'POST' || (req.url !== '/v1/batch' && !single)) {
      req.resume();
      return answer(404, { message: 'not found' });
    }
    const authorization = Buffer.from(req.headers.authorization ?? '');
    if (authorization.length !== expected.length || !timingSafeEqual(authorization, expected)) {
      req.resume();
      return answer(401, { message: 'a valid write key is required (HTTP Basic, key as user name)' });
    }
    const body = await readBody(req, res, MAX_BATCH_BYTES);
    if (!body) return;
    let rows: StoredEvent[];
    try {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        throw new BadRequest('the body is not JSON');
      }
      if (single) rows = [toRow(parsed, 'event', 'track')];
      else {
        if (!isObject(parsed) || !Array.isArray(parsed.batch) || parsed.batch.length === 0)
          throw new BadRequest('the body is { "batch": [ event, … ] } with at least one event');
        rows = parsed.batch.map((e, i) => toRow(e, `batch[${i}]`));
      }
    } catch (error) {
      if (error instanceof BadRequest) return answer(400, { message: error.message });
      throw error;
    }
    // A profile per userId, with the traits of the request's identify calls merged in order.
    const profiles = new Map<string, Record<string, unknown>>();
    for (const row of rows) {
      if (!row.user_id) continue;
      const traits = profiles.get(row.user_id) ?? {};
      if (row.type === 'identify' && isObject(row.traits)) Object.assign(traits, row.traits);
      profiles.set(row.user_id, traits);
    }
    const stored = await pool.query<{ id: string; type: string; event: string | null }>(STORE_EVENTS, [
      JSON.stringify(rows),
      JSON.stringify([...profiles].map(([user_id, traits]) => ({ user_id, traits }))),
    ]);
    const jobs = stored.rows
      .filter((e) => e.type === 'track' && e.event !== null && triggers.has(e.event))
      .map((e) => ({
        name: 'send',
        data: { eventId: e.id },
        opts: {
          jobId: `event-${e.id}`,
          attempts: 5,
          backoff: { type: 'exponential', delay: 1000 },
          removeOnComplete: true,
          removeOnFail: 1000,
        },
      }));
    if (jobs.length > 0) await queue.addBulk(jobs);
    answer(200, { success: true });
  });
  return async () => {
    await close();
    await queue.close();
  };
}

async function customWorker(): Promise<() => Promise<void>> {
  const receiver = new URL(env('BASELINE_RECEIVER'));
  const secret = Buffer.from(env('BASELINE_SIGNING_SECRET'), 'utf8');
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const w = new Worker(
    CUSTOM_QUEUE,
    async (job) => {
      const { rows: events } = await pool.query(
        `SELECT e.id, e.message_id, e.user_id, p.traits
           FROM custom_events e LEFT JOIN custom_profiles p ON p.user_id = e.user_id
          WHERE e.id = $1`,
        [job.data.eventId],
      );
      if (events.length === 0) throw new UnrecoverableError(`event ${job.data.eventId} not found`);
      const event = events[0] as { id: string; message_id: string; user_id: string | null; traits: Record<string, unknown> | null };
      const key = `event:${event.id}:send`;
      // The claim: a message already sent is not sent again; one left `sending` by a crash is resent
      // under the same key (the provider deduplicates on webhook-id).
      const { rows: claimed } = await pool.query(
        `INSERT INTO custom_messages (idempotency_key, event_id, user_id, status) VALUES ($1, $2, $3, 'sending')
         ON CONFLICT (idempotency_key) DO UPDATE SET attempts = custom_messages.attempts + 1, status = 'sending', error = NULL
           WHERE custom_messages.status <> 'sent'
         RETURNING id`,
        [key, event.id, event.user_id],
      );
      if (claimed.length === 0) return;
      const body = JSON.stringify({ m: event.message_id, user: event.user_id, plan: event.traits?.plan ?? null });
      const timestamp = String(Math.floor(Date.now() / 1000));
      const signature = createHmac('sha256', secret).update(`${key}.${timestamp}.${body}`).digest('base64');
      let status: number;
      try {
        status = await post(receiver, body, agent, {
          'webhook-id': key,
          'webhook-timestamp': timestamp,
          'webhook-signature': `v1,${signature}`,
        });
      } catch (error) {
        await pool.query("UPDATE custom_messages SET status = 'failed', error = $2 WHERE id = $1", [
          claimed[0].id,
          (error as Error).message,
        ]);
        throw error;
      }
      if (status < 200 || status >= 300) {
        await pool.query("UPDATE custom_messages SET status = 'failed', error = $2 WHERE id = $1", [claimed[0].id, `HTTP ${status}`]);
        throw status >= 500 || status === 429
          ? new Error(`provider answered ${status}`)
          : new UnrecoverableError(`provider answered ${status}`);
      }
      await pool.query("UPDATE custom_messages SET status = 'sent', sent_at = now() WHERE id = $1", [claimed[0].id]);
    },
    { connection, prefix, concurrency: CONCURRENCY },
  );
  await w.waitUntilReady();
  process.stdout.write('ready\n');
  return async () => {
    await w.close();
    agent.destroy();
  };
}

// ───────────────────────────── process ─────────────────────────────

const roles: Record<string, () => Promise<() => Promise<void>>> = {
  'minimal http': minimalHttp,
  'minimal worker': minimalWorker,
  'custom http': customHttp,
  'custom worker': customWorker,
};
const start = roles[`${pipeline} ${role}`];
if (!start) {
  process.stderr.write(`usage: journeys-baseline.ts minimal|custom http|worker (got ${pipeline} ${role})\n`);
  process.exit(2);
}
const stop = await start();
let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    void stop()
      .then(() => pool.end())
      .then(() => connection.quit())
      .finally(() => process.exit(0));
  });
}
