import { jest } from '@jest/globals';
import { DataSource } from 'typeorm';
import { startTestApp, type TestApp, type TestWorkspace, uniqueSuffix } from '../../testing/test-app.js';
import { AnalyticsRollup } from './analytics-rollup.js';

jest.setTimeout(60_000);

/**
 * Known traffic through a journey with a split, a send, a branch, a wait and a goal; the analytics
 * must count it exactly. 10 users: 4 on plan pro (branch → done), 6 on free (→ wait): 2 activate
 * (matched), 1 pays during the wait (goal exit), 3 time out.
 */
describe('journey analytics (integration: PostgreSQL + Redis, API and worker)', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let db: DataSource;
  const owner = () => ({ Authorization: `Bearer ${ws.keys.owner}` });
  const basic = () => ({ Authorization: `Basic ${Buffer.from(`${ws.writeKey}:`).toString('base64')}` });
  const track = async (userId: string, event: string, properties: Record<string, unknown> = {}) =>
    expect((await t.http.post('/v1/track').set(basic()).send({ userId, event, properties })).status).toBe(200);

  async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.workspace();
    db = t.app.get(DataSource);
    await t.http
      .post('/api/templates')
      .set(owner())
      .send({ key: 'hello', name: 'hello', content: { inapp: { title: 'Hello', body: 'Hi {{ profile.userId }}' } } })
      .expect(201);
    await t.http.post('/api/templates/hello/publish').set(owner()).send({}).expect(201);
  });
  afterAll(() => t.close());

  it('counts entries, port splits, waits, the goal, the send funnel, last touch and variants exactly', async () => {
    const definition = {
      name: 'analytics',
      exit: [{ event: 'paid' }],
      nodes: [
        { id: 'start', type: 'trigger', config: { event: 'analytics_signup' } },
        {
          id: 'ab',
          type: 'split',
          config: {
            variants: [
              { port: 'a', weight: 50 },
              { port: 'b', weight: 50 },
            ],
          },
        },
        { id: 'hello', type: 'send', config: { template: 'hello', channels: ['inapp'] } },
        { id: 'route', type: 'branch', config: { branches: [{ port: 'pro', when: { '==': [{ var: 'event.properties.plan' }, 'pro'] } }] } },
        { id: 'pause', type: 'wait_for_event', config: { event: 'activated', timeoutSeconds: 3 } },
        { id: 'done', type: 'exit' },
      ],
      edges: [
        { from: 'start', to: 'ab' },
        { from: 'ab', port: 'a', to: 'hello' },
        { from: 'ab', port: 'b', to: 'route' },
        { from: 'hello', to: 'route' },
        { from: 'route', port: 'pro', to: 'done' },
        { from: 'route', port: 'default', to: 'pause' },
        { from: 'pause', port: 'matched', to: 'done' },
        { from: 'pause', port: 'timeout', to: 'done' },
      ],
    };
    const created = await t.http
      .post('/api/journeys')
      .set(owner())
      .send({ name: `analytics ${uniqueSuffix()}`, definition })
      .expect(201);
    const journeyId: string = created.body.id;
    await t.http.post(`/api/journeys/${journeyId}/publish`).set(owner()).send({}).expect(201);

    const users = Array.from({ length: 10 }, (_, i) => `an-${i}-${uniqueSuffix()}`);
    for (const [i, userId] of users.entries()) await track(userId, 'analytics_signup', { plan: i < 4 ? 'pro' : 'free' });
    const runs = async () =>
      (await db.query('SELECT status, current_node, count(*)::int AS n FROM journey_runs WHERE journey_id = $1 GROUP BY 1, 2', [
        journeyId,
      ])) as Array<{ status: string; current_node: string; n: number }>;
    await until(
      'the free users to wait',
      async () => (await runs()).find((r) => r.status === 'waiting' && r.current_node === 'pause')?.n === 6,
    );
    await track(users[4], 'activated');
    await track(users[5], 'activated');
    await track(users[6], 'paid');
    await until(
      'every run to end',
      async () => (await runs()).every((r) => !['active', 'waiting'].includes(r.status)) && (await runs()).length > 0,
    );

    await t.app.get(AnalyticsRollup).rollUp();
    const res = await t.http.get(`/api/journeys/${journeyId}/analytics`).set(owner());
    expect(res.status).toBe(200);
    const a = res.body;
    const node = (id: string) => a.nodes.find((n: { nodeId: string }) => n.nodeId === id);
    const port = (id: string, name: string) => node(id).ports.find((p: { port: string }) => p.port === name)?.count ?? 0;

    expect(a.versions).toEqual([1]);
    expect(a.entered).toBe(10);
    expect(a.ended).toEqual({ completed: 9, exited: 1, failed: 0, cancelled: 0 });
    expect(a.converted).toBe(1);
    expect(a.conversionRate).toBeCloseTo(0.1, 6);
    expect(a.goals).toEqual([{ event: 'paid', converted: 1, rate: 0.1, avgSecondsToConvert: expect.any(Number) }]);

    const variantA = port('ab', 'a');
    expect(variantA + port('ab', 'b')).toBe(10);
    expect(node('start')).toMatchObject({ entered: 10, completed: 10, waitingNow: 0 });
    expect(node('hello')).toMatchObject({ entered: variantA, completed: variantA, waitingNow: 0 });
    expect(node('route')).toMatchObject({ entered: 10, completed: 10 });
    expect(port('route', 'pro')).toBe(4);
    expect(port('route', 'default')).toBe(6);
    expect(node('pause')).toMatchObject({ entered: 6, completed: 5, stopped: 1, waitingNow: 0 });
    expect(port('pause', 'matched')).toBe(2);
    expect(port('pause', 'timeout')).toBe(3);
    expect(node('done')).toMatchObject({ entered: 9, completed: 9 });

    expect(a.sends).toEqual([{ nodeId: 'hello', funnel: expect.objectContaining({ sent: variantA, failed: 0, suppressed: 0 }) }]);
    const payer = (
      await db.query(
        "SELECT port FROM journey_steps s JOIN journey_runs r ON r.id = s.run_id JOIN profiles p ON p.id = r.profile_id WHERE r.journey_id = $1 AND s.node_id = 'ab' AND p.user_id = $2",
        [journeyId, users[6]],
      )
    )[0].port;
    expect(a.lastTouch).toEqual(payer === 'a' ? [expect.objectContaining({ nodeId: 'hello', template: 'hello', conversions: 1 })] : []);
    const split = a.splits[0];
    expect(split).toMatchObject({ nodeId: 'ab', control: 'a', method: expect.stringContaining('z-test') });
    expect(split.variants.map((v: { port: string; converted: number }) => [v.port, v.converted])).toEqual([
      ['a', payer === 'a' ? 1 : 0],
      ['b', payer === 'b' ? 1 : 0],
    ]);
    expect(a.series.reduce((sum: number, p: { entered: number }) => sum + p.entered, 0)).toBe(10);

    // Nothing is counted twice: a second roll-up adds nothing.
    await t.app.get(AnalyticsRollup).rollUp();
    expect((await t.http.get(`/api/journeys/${journeyId}/analytics`).set(owner())).body.entered).toBe(10);
  });

  it('answers 4xx for a bad range or version', async () => {
    const created = await t.http
      .post('/api/journeys')
      .set(owner())
      .send({ name: `empty ${uniqueSuffix()}`, definition: { name: 'e', nodes: [], edges: [] } })
      .expect(201);
    expect(
      (
        await t.http
          .get(`/api/journeys/${created.body.id}/analytics`)
          .query({ from: '2026-12-02T00:00:00Z', to: '2026-12-01T00:00:00Z' })
          .set(owner())
      ).status,
    ).toBe(400);
    expect((await t.http.get(`/api/journeys/${created.body.id}/analytics`).query({ version: 'x' }).set(owner())).status).toBe(400);
    expect((await t.http.get(`/api/journeys/${created.body.id}/analytics`).query({ version: 2 }).set(owner())).status).toBe(404);
    const empty = await t.http.get(`/api/journeys/${created.body.id}/analytics`).set(owner());
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({ entered: 0, versions: [], nodes: [] });
  });
});
