import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startSmtpFake, type SmtpFake } from '../../../../../tools/fakes/smtp.js';
import { type ApiProcess, startApiProcess } from '../../../../../tools/testing/api-process.js';

const SMTP_PLUGIN = '@itinera/channel-email-smtp/smtp';

/** A database of this file only, under the run's id (the global teardown drops it). */
function databaseUrl(suffix: string): string {
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/itinera_test_${process.env.ITINERA_TEST_RUN_ID}_${suffix}`;
  return url.toString();
}

interface Row {
  request_id: string;
  user_id: string;
  status: string;
  status_reason: string | null;
  deferred_until: Date | null;
  recipient: string | null;
}

/**
 * Frequency caps across processes: one API process takes the `/send` requests, two worker
 * processes deliver them, all on one database and one Redis prefix. Every delivery decision for
 * a profile is serialised in PostgreSQL, so a cap holds exactly however the jobs are spread.
 */
describe('frequency caps under concurrency (integration: an API process and two worker processes)', () => {
  const secretKey = `itn_sk_caps${randomBytes(12).toString('hex')}`;
  const writeKey = `itn_wk_caps${randomBytes(12).toString('hex')}`;
  const database = databaseUrl('caps_concurrency');
  const auth = { Authorization: `Bearer ${secretKey}`, 'Content-Type': 'application/json' };
  let smtp: SmtpFake;
  let api: ApiProcess;
  const workers: ApiProcess[] = [];
  let db: pg.Client;

  const env = () => ({
    DATABASE_URL: database,
    REDIS_PREFIX: `${process.env.REDIS_PREFIX}_caps`,
    ITINERA_PLUGINS: SMTP_PLUGIN,
    ITINERA_SECRET: 'itinera-caps-concurrency-test-secret-0123456789',
    ITINERA_BOOTSTRAP_SECRET_KEY: secretKey,
    ITINERA_BOOTSTRAP_WRITE_KEY: writeKey,
    ITINERA_WORKER_CONCURRENCY: '8',
  });

  async function call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> | undefined }> {
    const res = await fetch(`${api.url}${path}`, { method, headers: auth, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  async function expectOk(method: string, path: string, body: unknown, status: number): Promise<Record<string, unknown> | undefined> {
    const res = await call(method, path, body);
    expect({ status: res.status, error: res.status === status ? undefined : res.body }).toEqual({ status });
    return res.body;
  }

  async function profile(userId: string): Promise<void> {
    await expectOk('PUT', `/api/profiles/${userId}`, { traits: { name: userId, email: `${userId}@example.test` }, timezone: 'UTC' }, 200);
  }

  async function caps(frequencyCaps: unknown[]): Promise<void> {
    await expectOk(
      'PUT',
      '/api/settings',
      { quietHours: { enabled: false, start: '22:00', end: '07:00' }, frequencyCaps, cooldownSeconds: 0 },
      200,
    );
  }

  /** Fires every send at once; each answers 202 with its own request id. */
  async function sendAll(userIds: string[]): Promise<string[]> {
    const answers = await Promise.all(
      userIds.map((userId, i) => call('POST', '/send', { message: { to: { user_id: userId }, template: 'ping', data: { n: i } } })),
    );
    expect(answers.map((a) => a.status)).toEqual(userIds.map(() => 202));
    const ids = answers.map((a) => a.body!.requestId as string);
    expect(new Set(ids).size).toBe(ids.length);
    return ids;
  }

  /** Waits until each request has its message and none is still queued or being handed over. */
  async function settle(requestIds: string[], timeoutMs = 30_000): Promise<Row[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await db.query<Row>(
        `SELECT m.request_id, p.user_id, m.status, m.status_reason, m.deferred_until, m.recipient
           FROM messages m JOIN profiles p ON p.id = m.profile_id WHERE m.request_id = ANY($1::uuid[])`,
        [requestIds],
      );
      if (rows.length === requestIds.length && rows.every((r) => !['queued', 'sending'].includes(r.status))) return rows;
      if (Date.now() > deadline) {
        throw new Error(
          `sends did not settle: ${rows.length}/${requestIds.length} messages, statuses ${JSON.stringify(rows.map((r) => r.status))}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const tally = (rows: Row[]) => rows.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});
  /** Which worker handed a message over: its unsubscribe links carry that worker's public URL. */
  const senderOf = (mail: SmtpFake['messages'][number]) => /worker-(a|b)\.itinera\.test/.exec(mail.headers['list-unsubscribe'] ?? '')?.[1];

  beforeAll(async () => {
    smtp = await startSmtpFake();
    // The API process creates and migrates the database and bootstraps the workspace; the workers join it.
    api = await startApiProcess({ ...env(), ITINERA_ROLE: 'api' }, 60_000);
    for (const name of ['a', 'b']) {
      workers.push(
        await startApiProcess({ ...env(), ITINERA_ROLE: 'worker', ITINERA_PUBLIC_URL: `http://worker-${name}.itinera.test` }, 60_000),
      );
    }
    db = new pg.Client({ connectionString: database });
    await db.connect();

    await expectOk(
      'POST',
      '/api/channels',
      {
        pluginId: SMTP_PLUGIN,
        name: 'SMTP sink',
        config: { host: '127.0.0.1', port: smtp.port, startTls: 'disabled', from: 'Itinera <caps@example.test>' },
      },
      201,
    );
    await expectOk(
      'POST',
      '/api/templates',
      {
        key: 'ping',
        name: 'Ping',
        content: {
          email: {
            subject: 'Ping {{ data.n }} for {{ profile.traits.name }}',
            mjml: '<mjml><mj-body><mj-section><mj-column><mj-text>Ping {{ data.n }}</mj-text></mj-column></mj-section></mj-body></mjml>',
          },
        },
      },
      201,
    );
    await expectOk('POST', '/api/templates/ping/publish', {}, 201);
  }, 120_000);

  afterEach(() => smtp.reset());

  afterAll(async () => {
    // Every process drains and exits cleanly on SIGTERM.
    const processes = [...workers, api].filter(Boolean);
    const codes = await Promise.all(processes.map((p) => p.stop('SIGTERM')));
    await db?.end();
    await smtp?.close();
    expect(codes).toEqual(processes.map(() => 0));
  }, 60_000);

  it('30 concurrent sends to one profile under a global cap of 3 per hour (skip): exactly 3 handed to the provider, 27 throttled with the reason', async () => {
    await caps([{ id: 'global-3h', scope: 'global', limit: 3, windowSeconds: 3600, action: 'skip' }]);
    const userId = `capped-${randomBytes(3).toString('hex')}`;
    await profile(userId);

    const requestIds = await sendAll(Array.from({ length: 30 }, () => userId));
    const rows = await settle(requestIds);

    expect(tally(rows)).toEqual({ sent: 3, throttled: 27 });
    for (const row of rows.filter((r) => r.status === 'throttled'))
      expect(row.status_reason).toBe('frequency cap global-3h: at most 3 per 3600s');
    // One message per request, never more.
    expect(new Set(rows.map((r) => r.request_id)).size).toBe(30);
    // Nothing arrives late: the provider has exactly the three sent messages.
    await smtp.waitForMessages(3);
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.messages).toHaveLength(3);
    expect(new Set(smtp.messages.map((m) => m.envelope.to.join()))).toEqual(new Set([`${userId}@example.test`]));
    const { rows: requests } = await db.query(
      `SELECT status, count(*)::int AS n FROM send_requests WHERE id = ANY($1::uuid[]) GROUP BY status`,
      [requestIds],
    );
    expect(requests).toEqual([{ status: 'done', n: 30 }]);

    // The cap still holds for the next send, whichever worker takes it.
    const [again] = await sendAll([userId]);
    expect((await settle([again!]))[0]).toMatchObject({
      status: 'throttled',
      status_reason: 'frequency cap global-3h: at most 3 per 3600s',
    });
    expect(smtp.messages).toHaveLength(3);
  }, 60_000);

  it('many profiles at once: each gets exactly its cap, and both workers took part', async () => {
    await caps([{ id: 'global-3h', scope: 'global', limit: 3, windowSeconds: 3600, action: 'skip' }]);
    const users = Array.from({ length: 6 }, (_, i) => `crowd-${i}-${randomBytes(3).toString('hex')}`);
    for (const userId of users) await profile(userId);

    // Ten sends per profile, interleaved, all in flight together.
    const targets = Array.from({ length: 10 }, () => users).flat();
    const requestIds = await sendAll(targets);
    const rows = await settle(requestIds);

    for (const userId of users) {
      expect({ userId, ...tally(rows.filter((r) => r.user_id === userId)) }).toEqual({ userId, sent: 3, throttled: 7 });
    }
    await smtp.waitForMessages(18);
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.messages).toHaveLength(18);
    const perRecipient = smtp.messages.reduce<Record<string, number>>(
      (acc, m) => ({ ...acc, [m.envelope.to.join()]: (acc[m.envelope.to.join()] ?? 0) + 1 }),
      {},
    );
    expect(perRecipient).toEqual(Object.fromEntries(users.map((u) => [`${u}@example.test`, 3])));
    // Both worker processes handed messages over (the decisions really were made in two processes).
    expect(new Set(smtp.messages.map(senderOf))).toEqual(new Set(['a', 'b']));
  }, 60_000);

  it('a per-channel cap that defers: over the limit, messages wait until the window frees a slot, with the reason', async () => {
    await caps([{ id: 'email-2h', scope: 'channel', channel: 'email', limit: 2, windowSeconds: 3600, action: 'defer' }]);
    const userId = `deferred-${randomBytes(3).toString('hex')}`;
    await profile(userId);
    const before = Date.now();

    const requestIds = await sendAll(Array.from({ length: 12 }, () => userId));
    const rows = await settle(requestIds);

    expect(tally(rows)).toEqual({ sent: 2, deferred: 10 });
    for (const row of rows.filter((r) => r.status === 'deferred')) {
      expect(row.status_reason).toBe('frequency cap email-2h: at most 2 per 3600s');
      // Due when the older of the two sent messages leaves the window.
      expect(new Date(row.deferred_until!).getTime()).toBeGreaterThan(before + 3_590_000);
      expect(new Date(row.deferred_until!).getTime()).toBeLessThan(Date.now() + 3_600_000);
    }
    await smtp.waitForMessages(2);
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.messages).toHaveLength(2);
    const { rows: requests } = await db.query(
      `SELECT status, count(*)::int AS n FROM send_requests WHERE id = ANY($1::uuid[]) GROUP BY status ORDER BY status`,
      [requestIds],
    );
    expect(requests).toEqual([
      { status: 'accepted', n: 10 },
      { status: 'done', n: 2 },
    ]);
  }, 60_000);
});
