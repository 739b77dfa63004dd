import { Redis } from 'ioredis';
import pg from 'pg';
import { type ApiProcess, startApiProcess } from '../../../../../tools/testing/api-process.js';
import { startSmtpFake, type SmtpFake } from '../../../../../tools/fakes/smtp.js';

/**
 * Fault tests with real processes, counted at the fake provider: a worker killed with SIGKILL
 * mid-load, and Redis losing every key of the deployment mid-load. After recovery every run
 * completes and every send reaches the provider exactly once.
 */
const SECRET_KEY = 'itn_sk_faulttestsecretkey0000000001';
const WRITE_KEY = 'itn_wk_faulttestwritekey00000000001';
const SMTP = '@itinera/channel-email-smtp/smtp';
const MJML = (text: string) => `<mjml><mj-body><mj-section><mj-column><mj-text>${text}</mj-text></mj-column></mj-section></mj-body></mjml>`;

function databaseUrl(suffix: string): string {
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/itinera_test_${process.env.ITINERA_TEST_RUN_ID}_${suffix}`;
  return url.toString();
}

describe('engine under faults (integration: real processes, PostgreSQL, Redis, SMTP sink)', () => {
  let smtp: SmtpFake;
  let api: ApiProcess;
  const workers: ApiProcess[] = [];
  const prefix = `${process.env.REDIS_PREFIX}_faults`;
  const env = (suffix: string) => ({
    DATABASE_URL: databaseUrl(suffix),
    REDIS_PREFIX: prefix,
    ITINERA_BOOTSTRAP_SECRET_KEY: SECRET_KEY,
    ITINERA_BOOTSTRAP_WRITE_KEY: WRITE_KEY,
    ITINERA_PLUGINS: SMTP,
  });
  let db: pg.Client;

  const call = async (method: string, path: string, body?: unknown, auth = `Bearer ${SECRET_KEY}`) => {
    const res = await fetch(`${api.url}${path}`, { method, headers: { Authorization: auth, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  async function setUp(suffix: string, users: number) {
    api = await startApiProcess({ ...env(suffix), ITINERA_ROLE: 'api' });
    db = new pg.Client({ connectionString: databaseUrl(suffix) });
    await db.connect();
    await call('POST', '/api/channels', { pluginId: SMTP, name: 'SMTP', config: { host: '127.0.0.1', port: smtp.port, startTls: 'disabled', from: 'f@example.test' } });
    for (const key of ['first', 'second']) {
      await call('POST', '/api/templates', { key, name: key, content: { email: { subject: `${key} {{ profile.userId }}`, mjml: MJML(key) } } });
      await call('POST', `/api/templates/${key}/publish`, {});
    }
    const journey = await call('POST', '/api/journeys', {
      name: 'Fault tolerant',
      definition: {
        entry: { reentry: 'once' },
        nodes: [
          { id: 't', type: 'trigger', config: { event: 'go' } },
          { id: 'a', type: 'send', config: { template: 'first', channels: ['email'] } },
          { id: 'd', type: 'delay', config: { seconds: 2 } },
          { id: 'b', type: 'send', config: { template: 'second', channels: ['email'] } },
          { id: 'x', type: 'exit' },
        ],
        edges: [{ from: 't', to: 'a' }, { from: 'a', to: 'd' }, { from: 'd', to: 'b' }, { from: 'b', to: 'x' }],
      },
    });
    expect((await call('POST', `/api/journeys/${journey.body.id}/publish`, {})).status).toBe(201);
    const batch = Array.from({ length: users }, (_, i) => [
      { type: 'identify', userId: `${suffix}-${i}`, traits: { email: `${suffix}-${i}@example.test` } },
      { type: 'track', userId: `${suffix}-${i}`, event: 'go' },
    ]).flat();
    const ingested = await call('POST', '/v1/batch', { batch }, `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`);
    expect(ingested.body.accepted).toBe(batch.length);
    return journey.body.id as string;
  }

  async function settled(journeyId: string, users: number, timeoutMs = 60_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await db.query(`SELECT count(*) FILTER (WHERE status = 'completed')::int AS done, count(*)::int AS total FROM journey_runs WHERE journey_id = $1`, [journeyId]);
      if (rows[0].done === users) return;
      if (Date.now() > deadline) throw new Error(`only ${rows[0].done}/${users} runs completed (${rows[0].total} started)`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /**
   * No send reaches the provider twice. SMTP cannot tell whether it already has a message, so a
   * send cut by SIGKILL between "handing over" and the provider's answer is not resent: it is
   * recorded as failed with an unknown outcome (at most one per in-flight send of the killed
   * worker); every other send is delivered exactly once.
   */
  async function expectEachSendOnce(suffix: string, users: number, tolerateUnknown = 0) {
    const mine = smtp.messages.filter((m) => m.to.some((to) => to.startsWith(`${suffix}-`)));
    const bySubject = new Map<string, number>();
    for (const m of mine) bySubject.set(m.subject!, (bySubject.get(m.subject!) ?? 0) + 1);
    expect([...bySubject.values()].every((n) => n === 1)).toBe(true);
    const { rows } = await db.query(`SELECT status, status_reason FROM messages`);
    const unknown = rows.filter((r) => r.status === 'failed' && /outcome unknown/.test(r.status_reason));
    expect(rows.filter((r) => r.status === 'failed').length).toBe(unknown.length);
    expect(unknown.length).toBeLessThanOrEqual(tolerateUnknown);
    expect(mine.length + unknown.length).toBe(users * 2);
    expect(rows).toHaveLength(users * 2);
  }

  beforeAll(async () => {
    smtp = await startSmtpFake();
  });

  afterEach(async () => {
    for (const w of workers.splice(0)) await w.stop('SIGTERM');
    await api?.stop('SIGTERM');
    await db?.end();
  });

  afterAll(async () => {
    await smtp.close();
  });

  it('SIGKILL of a worker during a load of runs: after restart every run completes, every send delivered once', async () => {
    const suffix = 'kill9';
    workers.push(await startApiProcess({ ...env(suffix), ITINERA_ROLE: 'worker' }), await startApiProcess({ ...env(suffix), ITINERA_ROLE: 'worker' }));
    const users = 40;
    const journeyId = await setUp(suffix, users);
    await new Promise((r) => setTimeout(r, 300));
    const victim = workers.shift()!;
    expect(await victim.stop('SIGKILL')).toBeNull();
    workers.push(await startApiProcess({ ...env(suffix), ITINERA_ROLE: 'worker' }));
    await settled(journeyId, users);
    await expectEachSendOnce(suffix, users, 8);
  }, 120_000);

  it('Redis loses every key mid-load: PostgreSQL state re-drives runs and timers, every send delivered once', async () => {
    const suffix = 'flush';
    workers.push(await startApiProcess({ ...env(suffix), ITINERA_ROLE: 'worker' }));
    const users = 30;
    const journeyId = await setUp(suffix, users);
    await new Promise((r) => setTimeout(r, 300));
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    redis.disconnect();
    await settled(journeyId, users, 90_000);
    await expectEachSendOnce(suffix, users);
  }, 150_000);
});
