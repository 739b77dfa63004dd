/**
 * The baseline of the journey latency benchmark (journeys.ts): a minimal hand-written BullMQ
 * pipeline doing the hops Itinera does between an event and its first message, and nothing else.
 *
 *   http   an HTTP endpoint, `POST /track`, that inserts the event as a row of
 *          `bench_baseline_events` (PostgreSQL) and adds a BullMQ job naming the row;
 *   worker a BullMQ worker that reads the row and hands the message to the provider: one HTTP
 *          POST of a small JSON body to the receiver, on a new connection (as the webhook
 *          channel does), 2xx expected.
 *
 * journeys.ts starts each role as its own process (like Itinera's `api` and `worker` roles):
 *   node --experimental-strip-types tools/bench/journeys-baseline.ts http|worker
 * Environment: BASELINE_DATABASE_URL, REDIS_URL, BASELINE_PREFIX (BullMQ prefix), BASELINE_PORT
 * (http), BASELINE_RECEIVER (worker: the provider's URL), BASELINE_CONCURRENCY (worker, default 8).
 * Each prints `ready` on stdout once it takes work, and stops on SIGTERM. The parent creates the table.
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';

const QUEUE = 'baseline';
const role = process.argv[2];
const env = (name: string): string => {
  const value = process.env[name];
  if (!value) {
    process.stderr.write(`${name} is required\n`);
    process.exit(2);
  }
  return value;
};

const pool = new pg.Pool({ connectionString: env('BASELINE_DATABASE_URL'), max: 10 });
const connection = new Redis(env('REDIS_URL'), { maxRetriesPerRequest: null });
const prefix = env('BASELINE_PREFIX');

async function http(): Promise<() => Promise<void>> {
  const queue = new Queue(QUEUE, { connection, prefix });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        try {
          if (req.method !== 'POST' || req.url !== '/track') {
            res.writeHead(404).end();
            return;
          }
          const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
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
        } catch (error) {
          res.writeHead(500).end((error as Error).message);
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(Number(env('BASELINE_PORT')), '127.0.0.1', resolve));
  process.stdout.write(`ready ${(server.address() as AddressInfo).port}\n`);
  return async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await queue.close();
  };
}

/** One POST on a new connection (agent: false), like the webhook channel's guarded request. */
function post(url: URL, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
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

async function worker(): Promise<() => Promise<void>> {
  const receiver = new URL(env('BASELINE_RECEIVER'));
  const w = new Worker(
    QUEUE,
    async (job) => {
      const { rows } = await pool.query('SELECT message_id, user_id, event FROM bench_baseline_events WHERE id = $1', [job.data.id]);
      if (rows.length === 0) throw new Error(`event ${job.data.id} not found`);
      const status = await post(receiver, JSON.stringify({ m: rows[0].message_id, user: rows[0].user_id, event: rows[0].event }));
      if (status < 200 || status >= 300) throw new Error(`provider answered ${status}`);
    },
    { connection, prefix, concurrency: Number(process.env.BASELINE_CONCURRENCY ?? 8) },
  );
  await w.waitUntilReady();
  process.stdout.write('ready\n');
  return () => w.close();
}

const stop = await (role === 'http'
  ? http()
  : role === 'worker'
    ? worker()
    : Promise.reject(new Error(`role must be http or worker, not ${role}`)));
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
