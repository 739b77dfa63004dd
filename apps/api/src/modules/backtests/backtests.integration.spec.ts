import { jest } from '@jest/globals';
import { DataSource } from 'typeorm';
import { startTestApp, type TestApp, type TestWorkspace, uniqueSuffix } from '../../testing/test-app.js';

jest.setTimeout(90_000);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * A seeded week of events whose outcome is known, replayed through a draft:
 * - a: trial sign-up, activates a day later → matched → done
 * - b: trial sign-up, nothing else → timeout → nudge → done
 * - c: pro sign-up → kept out by the trigger's filter
 * - d: trial sign-up, pays an hour later (the goal) → exits during the wait
 * - a again, three days later → kept out (re-entry once)
 * - e: trial sign-up on the last day, activates after the timeout → timeout → nudge
 */
describe('journey back-tests (integration: PostgreSQL + Redis, API and worker)', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let db: DataSource;
  let journeyId: string;
  const owner = () => ({ Authorization: `Bearer ${ws.keys.owner}` });
  const basic = () => ({ Authorization: `Basic ${Buffer.from(`${ws.writeKey}:`).toString('base64')}` });
  const start = new Date(Math.floor(Date.now() / DAY) * DAY - 10 * DAY);
  const at = (offset: number) => new Date(start.getTime() + offset).toISOString();

  async function finished(id: string) {
    for (let i = 0; i < 300; i += 1) {
      const res = await t.http.get(`/api/backtests/${id}`).set(owner());
      if (['completed', 'failed', 'cancelled'].includes(res.body.status)) return res.body;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the back-test did not finish');
  }

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.workspace();
    db = t.app.get(DataSource);
    await t.http
      .post('/api/templates')
      .set(owner())
      .send({ key: 'bt-hello', name: 'hello', content: { inapp: { title: 'Hello', body: 'Hi' } } })
      .expect(201);
    await t.http.post('/api/templates/bt-hello/publish').set(owner()).send({}).expect(201);
    const definition = {
      name: 'backtested',
      exit: [{ event: 'bt_paid' }],
      nodes: [
        { id: 'start', type: 'trigger', config: { event: 'bt_signup', filter: { '==': [{ var: 'event.properties.plan' }, 'trial'] } } },
        { id: 'welcome', type: 'send', config: { template: 'bt-hello', channels: ['inapp'] } },
        { id: 'wait', type: 'wait_for_event', config: { event: 'bt_activated', timeoutSeconds: 2 * 86_400 } },
        { id: 'nudge', type: 'send', config: { template: 'bt-hello', channels: ['inapp'] } },
        { id: 'done', type: 'exit' },
      ],
      edges: [
        { from: 'start', to: 'welcome' },
        { from: 'welcome', to: 'wait' },
        { from: 'wait', port: 'matched', to: 'done' },
        { from: 'wait', port: 'timeout', to: 'nudge' },
        { from: 'nudge', to: 'done' },
      ],
    };
    journeyId = (
      await t.http
        .post('/api/journeys')
        .set(owner())
        .send({ name: `backtested ${uniqueSuffix()}`, definition })
        .expect(201)
    ).body.id;
    const u = (name: string) => `bt-${name}-${ws.id.slice(0, 8)}`;
    const track = (user: string, event: string, offset: number, properties: Record<string, unknown> = {}) => ({
      type: 'track',
      userId: u(user),
      event,
      properties,
      timestamp: at(offset),
      messageId: `m-${user}-${event}-${offset}`,
    });
    const batch = [
      track('a', 'bt_signup', 1 * DAY, { plan: 'trial' }),
      track('b', 'bt_signup', 1 * DAY + HOUR, { plan: 'trial' }),
      track('c', 'bt_signup', 1 * DAY + 2 * HOUR, { plan: 'pro' }),
      track('a', 'bt_activated', 2 * DAY),
      track('d', 'bt_signup', 2 * DAY, { plan: 'trial' }),
      track('d', 'bt_paid', 2 * DAY + HOUR),
      track('a', 'bt_signup', 4 * DAY, { plan: 'trial' }),
      track('e', 'bt_signup', 6 * DAY, { plan: 'trial' }),
      track('e', 'bt_activated', 9 * DAY),
    ];
    const res = await t.http.post('/v1/batch').set(basic()).send({ batch, sentAt: new Date().toISOString() });
    expect(res.status).toBe(200);
  });
  afterAll(() => t.close());

  it('reports exactly what the draft would have done with the week', async () => {
    const created = await t.http
      .post(`/api/journeys/${journeyId}/backtest`)
      .set(owner())
      .send({ from: at(0), to: at(7 * DAY) });
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ status: 'queued', version: null });
    const done = await finished(created.body.id);
    expect(done.status).toBe('completed');
    expect(done.progress).toMatchObject({ eventsRead: 6, eventsTotal: 6, fraction: 1 });
    const r = done.result;
    expect(r).toMatchObject({
      eventsRead: 6,
      entered: 4,
      rejectedByFilter: 1,
      keptOutByReentry: 1,
      skipped: 0,
      outcomes: { completed: 3, exited: 1 },
      converted: 1,
      avgSecondsToGoal: 3600,
      truncated: null,
    });
    expect(r.conversionRate).toBeCloseTo(0.25, 6);
    expect(r.nodes.welcome).toEqual({ entered: 4, ports: { next: 4 } });
    expect(r.nodes.wait).toEqual({ entered: 4, ports: { matched: 1, timeout: 2 } });
    expect(r.nodes.nudge).toEqual({ entered: 2, ports: { next: 2 } });
    expect(r.messages).toEqual(
      expect.arrayContaining([
        { nodeId: 'welcome', template: 'bt-hello', channel: 'inapp', decisions: { would_send: 4 } },
        { nodeId: 'nudge', template: 'bt-hello', channel: 'inapp', decisions: { would_send: 2 } },
      ]),
    );
    // Nothing happened for real: no run, no message.
    const counts = (
      await db.query(
        'SELECT (SELECT count(*) FROM journey_runs WHERE workspace_id = $1)::int AS runs, (SELECT count(*) FROM messages WHERE workspace_id = $1)::int AS messages',
        [ws.id],
      )
    )[0];
    expect(counts).toEqual({ runs: 0, messages: 0 });
    const listed = await t.http.get(`/api/journeys/${journeyId}/backtests`).set(owner());
    expect(listed.body.map((b: { id: string }) => b.id)).toContain(created.body.id);
  });

  it('stays within its bounds, says so, and can be cancelled', async () => {
    const bounded = await t.http
      .post(`/api/journeys/${journeyId}/backtest`)
      .set(owner())
      .send({ from: at(0), to: at(7 * DAY), maxEvents: 2 });
    const done = await finished(bounded.body.id);
    expect(done.result).toMatchObject({ eventsRead: 2, truncated: expect.stringMatching(/maxEvents \(2\) of 6/) });

    const queued = await t.http
      .post(`/api/journeys/${journeyId}/backtest`)
      .set(owner())
      .send({ from: at(0), to: at(7 * DAY) });
    const cancelled = await t.http.post(`/api/backtests/${queued.body.id}/cancel`).set(owner());
    if (cancelled.status === 200) expect(cancelled.body.status).toBe('cancelled');
    else expect(cancelled.status).toBe(409); // it finished first
  });

  it('on a larger history, reports progress while running and stops at its time budget', async () => {
    const many = Array.from({ length: 2000 }, (_, i) => ({
      type: 'track',
      userId: `bt-many-${i}-${ws.id.slice(0, 8)}`,
      event: 'bt_signup',
      properties: { plan: 'trial' },
      timestamp: at(8 * DAY + i * 1000),
      messageId: `m-many-${i}`,
    }));
    for (let i = 0; i < many.length; i += 500) {
      expect(
        (
          await t.http
            .post('/v1/batch')
            .set(basic())
            .send({ batch: many.slice(i, i + 500) })
        ).status,
      ).toBe(200);
    }
    const created = await t.http
      .post(`/api/journeys/${journeyId}/backtest`)
      .set(owner())
      .send({ from: at(8 * DAY), to: at(9 * DAY), maxSeconds: 2 });
    let sawProgress = false;
    for (let i = 0; i < 100 && !sawProgress; i += 1) {
      const res = await t.http.get(`/api/backtests/${created.body.id}`).set(owner());
      sawProgress = res.body.status === 'running' && res.body.progress.eventsRead > 0 && res.body.progress.eventsTotal === 2000;
      if (res.body.status === 'completed') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const done = await finished(created.body.id);
    expect(done.status).toBe('completed');
    expect(done.progress.eventsTotal).toBe(2000);
    if (done.result.eventsRead < 2000) expect(done.result.truncated).toMatch(/maxSeconds \(2\)/);
    else expect(done.result).toMatchObject({ eventsRead: 2000, entered: 2000, truncated: null });
    expect(sawProgress || done.result.eventsRead === 2000).toBe(true);
  });

  it('answers 4xx for a bad period, a journey that does not start on an event, and an unknown back-test', async () => {
    expect(
      (
        await t.http
          .post(`/api/journeys/${journeyId}/backtest`)
          .set(owner())
          .send({ from: at(DAY), to: at(0) })
      ).status,
    ).toBe(400);
    expect(
      (
        await t.http
          .post(`/api/journeys/${journeyId}/backtest`)
          .set(owner())
          .send({ from: at(0), to: at(400 * DAY) })
      ).status,
    ).toBe(400);
    const api = await t.http
      .post('/api/journeys')
      .set(owner())
      .send({
        name: `api ${uniqueSuffix()}`,
        definition: {
          name: 'api',
          nodes: [
            { id: 's', type: 'trigger', config: { api: true } },
            { id: 'x', type: 'exit' },
          ],
          edges: [{ from: 's', to: 'x' }],
        },
      });
    expect(
      (
        await t.http
          .post(`/api/journeys/${api.body.id}/backtest`)
          .set(owner())
          .send({ from: at(0), to: at(DAY) })
      ).status,
    ).toBe(422);
    expect((await t.http.get('/api/backtests/00000000-0000-4000-8000-000000000000').set(owner())).status).toBe(404);
  });
});
