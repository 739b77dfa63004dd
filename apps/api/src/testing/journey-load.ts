import pg from 'pg';
import { expect } from '@jest/globals';
import type { ApiProcess } from '@itinera/testing';
import type { SmtpFake } from '@itinera/fakes';

/** Keys of the workspace the fault tests' processes bootstrap. */
export const FAULT_SECRET_KEY = 'itn_sk_faulttestsecretkey0000000001';
export const FAULT_WRITE_KEY = 'itn_wk_faulttestwritekey00000000001';
const SMTP = '@itinera/channel-email-smtp/smtp';
const MJML = (text: string) => `<mjml><mj-body><mj-section><mj-column><mj-text>${text}</mj-text></mj-column></mj-section></mj-body></mjml>`;

export function faultEnv(databaseUrl: string, redisPrefix: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    REDIS_PREFIX: redisPrefix,
    ITINERA_BOOTSTRAP_SECRET_KEY: FAULT_SECRET_KEY,
    ITINERA_BOOTSTRAP_WRITE_KEY: FAULT_WRITE_KEY,
    ITINERA_PLUGINS: SMTP,
  };
}

/** One JSON call to a process started by `startApiProcess`, with the fault tests' owner key (or `auth`). */
export async function call(api: ApiProcess, method: string, path: string, body?: unknown, auth = `Bearer ${FAULT_SECRET_KEY}`) {
  const res = await fetch(`${api.url}${path}`, {
    method,
    headers: { Authorization: auth, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/**
 * A journey `go → send(first) → delay 2 s → send(second) → exit` on an SMTP sink, then `users`
 * profiles sent in with a `go` event each: a load of runs with two sends and a timer each.
 */
export async function startJourneyLoad(api: ApiProcess, smtp: SmtpFake, tag: string, users: number): Promise<string> {
  await call(api, 'POST', '/api/channels', {
    pluginId: SMTP,
    name: 'SMTP',
    config: { host: '127.0.0.1', port: smtp.port, startTls: 'disabled', from: 'f@example.test' },
  });
  for (const key of ['first', 'second']) {
    await call(api, 'POST', '/api/templates', {
      key,
      name: key,
      content: { email: { subject: `${key} {{ profile.userId }}`, mjml: MJML(key) } },
    });
    await call(api, 'POST', `/api/templates/${key}/publish`, {});
  }
  const journey = await call(api, 'POST', '/api/journeys', {
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
      edges: [
        { from: 't', to: 'a' },
        { from: 'a', to: 'd' },
        { from: 'd', to: 'b' },
        { from: 'b', to: 'x' },
      ],
    },
  });
  expect((await call(api, 'POST', `/api/journeys/${journey.body.id}/publish`, {})).status).toBe(201);
  await sendUsers(api, tag, 0, users);
  return journey.body.id as string;
}

/** Identifies users `from`…`to - 1` of a tag and sends each a `go` event. */
export async function sendUsers(api: ApiProcess, tag: string, from: number, to: number): Promise<void> {
  const batch = Array.from({ length: to - from }, (_, i) => [
    { type: 'identify', userId: `${tag}-${from + i}`, traits: { email: `${tag}-${from + i}@example.test` } },
    { type: 'track', userId: `${tag}-${from + i}`, event: 'go' },
  ]).flat();
  const ingested = await call(api, 'POST', '/v1/batch', { batch }, `Basic ${Buffer.from(`${FAULT_WRITE_KEY}:`).toString('base64')}`);
  expect(ingested.body.accepted).toBe(batch.length);
}

/** Waits until every run of the journey completed. */
export async function runsCompleted(db: pg.Client, journeyId: string, users: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await db
      .query(
        `SELECT count(*) FILTER (WHERE status = 'completed')::int AS done, count(*)::int AS total FROM journey_runs WHERE journey_id = $1`,
        [journeyId],
      )
      .catch(() => ({ rows: [{ done: -1, total: -1 }] }));
    if (rows[0].done === users) return;
    if (Date.now() > deadline) throw new Error(`only ${rows[0].done}/${users} runs completed (${rows[0].total} started)`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * No send reaches the provider twice. SMTP cannot tell whether it already has a message, so a
 * send cut between "handing over" and the provider's answer is not resent: it is recorded with
 * an unknown outcome (status `unknown`, at most `tolerateUnknown`: delivered once or not at all);
 * every other send is delivered once.
 */
export async function expectEachSendOnce(db: pg.Client, smtp: SmtpFake, tag: string, users: number, tolerateUnknown = 0): Promise<void> {
  const mine = smtp.messages.filter((m) => m.to.some((to) => to.startsWith(`${tag}-`)));
  const bySubject = new Map<string, number>();
  for (const m of mine) bySubject.set(m.subject!, (bySubject.get(m.subject!) ?? 0) + 1);
  expect([...bySubject.values()].every((n) => n === 1)).toBe(true);
  const { rows } = await db.query(`SELECT status, status_reason FROM messages`);
  const unknown = rows.filter((r) => r.status === 'unknown' && /outcome unknown/.test(r.status_reason));
  expect(rows.filter((r) => r.status === 'failed')).toEqual([]);
  expect(unknown.length).toBeLessThanOrEqual(tolerateUnknown);
  // An unknown outcome may well have been delivered (cut after the provider took it): never twice, though.
  expect(mine.length).toBeGreaterThanOrEqual(users * 2 - unknown.length);
  expect(mine.length).toBeLessThanOrEqual(users * 2);
  expect(rows).toHaveLength(users * 2);
}
