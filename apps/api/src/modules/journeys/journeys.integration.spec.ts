import { createServer, type Server } from 'node:http';
import { jest } from '@jest/globals';
import { DataSource } from 'typeorm';
import { startOpenAiFake, OPENAI_FAKE_API_KEY, type OpenAiFake } from '../../../../../tools/fakes/openai.js';
import { startSmtpFake, type SmtpFake } from '../../../../../tools/fakes/smtp.js';
import { startTestApp, type TestApp, type TestWorkspace, uniqueSuffix } from '../../testing/test-app.js';

const SMTP = '@itinera/channel-email-smtp/smtp';
const HTTP = '@itinera/datasource-http/http';
const OPENAI = '@itinera/llm-openai/openai';
const MJML = (text: string) => `<mjml><mj-body><mj-section><mj-column><mj-text>${text}</mj-text></mj-column></mj-section></mj-body></mjml>`;

/** The SPEC's example journey, with test-sized waits (3 days → 2 s; "tomorrow 9:00" → 1 s). */
function specExample(crmUrl: string) {
  return {
    name: 'Trial onboarding',
    entry: { reentry: 'once' },
    exit: [{ event: 'subscription_started' }],
    nodes: [
      { id: 'start', type: 'trigger', config: { event: 'signed_up', filter: { '==': [{ var: 'event.properties.plan' }, 'trial'] } } },
      {
        id: 'welcome',
        type: 'send',
        config: { template: 'welcome', channels: ['email', 'inapp'], routing: 'single', topic: 'onboarding' },
      },
      { id: 'wait', type: 'wait_for_event', config: { event: 'feature_activated', timeoutSeconds: 2 } },
      {
        id: 'health',
        type: 'fetch',
        config: { source: 'http', request: { method: 'GET', url: `${crmUrl}/accounts/{{ profile.traits.account_id }}` }, timeoutMs: 2000 },
      },
      {
        id: 'risk',
        type: 'ai',
        config: {
          provider: 'openai',
          task: 'classify',
          labels: ['high', 'low'],
          prompt: 'Churn risk for health score {{ data.health.body.score }}?',
        },
      },
      { id: 'route', type: 'branch', config: { branches: [{ port: 'at_risk', when: { '==': [{ var: 'data.risk.label' }, 'high'] } }] } },
      { id: 'nudge', type: 'send', config: { template: 'check-in', channels: ['email'] } },
      { id: 'tomorrow9', type: 'delay', config: { seconds: 1 } },
      { id: 'done', type: 'exit' },
    ],
    edges: [
      { from: 'start', to: 'welcome' },
      { from: 'welcome', to: 'wait' },
      { from: 'wait', port: 'matched', to: 'done' },
      { from: 'wait', port: 'timeout', to: 'health' },
      { from: 'health', to: 'risk' },
      { from: 'risk', to: 'route' },
      { from: 'route', port: 'at_risk', to: 'tomorrow9' },
      { from: 'route', port: 'default', to: 'done' },
      { from: 'tomorrow9', to: 'nudge' },
      { from: 'nudge', to: 'done' },
    ],
  };
}

jest.setTimeout(90_000);

describe('journeys: API and engine over whole journeys (integration: PostgreSQL + Redis + fakes)', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let smtp: SmtpFake;
  let openai: OpenAiFake;
  let crm: Server;
  let crmUrl: string;
  let db: DataSource;
  const owner = () => ({ Authorization: `Bearer ${ws.keys.owner}` });
  const basic = () => ({ Authorization: `Basic ${Buffer.from(`${ws.writeKey}:`).toString('base64')}` });

  async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 40_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function runOf(journeyId: string, userId: string) {
    const res = await t.http.get(`/api/journeys/${journeyId}/runs`).query({ userId }).set(owner());
    return res.body.data[0] as { id: string; status: string; currentNode: string | null; endReason: string | null } | undefined;
  }

  async function publish(definition: Record<string, unknown>) {
    const created = await t.http
      .post('/api/journeys')
      .set(owner())
      .send({ name: `${definition.name} ${uniqueSuffix()}`, definition });
    expect(created.status).toBe(201);
    const published = await t.http.post(`/api/journeys/${created.body.id}/publish`).set(owner()).send({ note: 'first' });
    expect(published.body).toMatchObject({ version: 1 });
    return created.body.id as string;
  }

  async function track(userId: string, event: string, properties: Record<string, unknown> = {}) {
    expect((await t.http.post('/v1/track').set(basic()).send({ userId, event, properties })).status).toBe(200);
  }

  beforeAll(async () => {
    smtp = await startSmtpFake();
    openai = await startOpenAiFake();
    crm = createServer((req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ account: req.url, score: req.url?.endsWith('/acme') ? 12 : 95 }));
    });
    await new Promise<void>((r) => crm.listen(0, '127.0.0.1', r));
    crmUrl = `http://127.0.0.1:${(crm.address() as { port: number }).port}`;
    t = await startTestApp({ ITINERA_PLUGINS: `${SMTP},${HTTP},${OPENAI}` });
    ws = await t.workspace();
    db = t.app.get(DataSource);
    await t.http
      .post('/api/channels')
      .set(owner())
      .send({
        pluginId: SMTP,
        name: 'SMTP',
        config: { host: '127.0.0.1', port: smtp.port, startTls: 'disabled', from: 'hi@example.test' },
      });
    await t.http
      .post('/api/channels')
      .set(owner())
      .send({ pluginId: HTTP, name: 'CRM', config: { allowCidrs: ['127.0.0.0/8'] } });
    await t.http
      .post('/api/channels')
      .set(owner())
      .send({ pluginId: OPENAI, name: 'OpenAI', config: { apiKey: OPENAI_FAKE_API_KEY, baseUrl: `${openai.url}/v1` } });
    await t.http.post('/api/topics').set(owner()).send({ key: 'onboarding', name: 'Onboarding', defaultPreference: 'opted_in' });
    for (const [key, text] of [
      ['welcome', 'Welcome {{ profile.traits.name }}'],
      ['check-in', 'Checking in, {{ profile.traits.name }} (risk {{ data.risk.label }})'],
    ]) {
      await t.http
        .post('/api/templates')
        .set(owner())
        .send({ key, name: key, content: { email: { subject: text, mjml: MJML(text) }, inapp: { title: text, body: text } } });
      await t.http.post(`/api/templates/${key}/publish`).set(owner()).send({});
    }
  });

  afterAll(async () => {
    await t.close();
    await smtp.close();
    await openai.close();
    crm.close();
  });

  it('runs the SPEC example end to end: trigger filter, send, wait timeout, fetch, ai, branch, delay, send, exit', async () => {
    const journeyId = await publish(specExample(crmUrl));
    openai.answerNext({ json: { label: 'high' } });
    const userId = `ada-${uniqueSuffix()}`;
    await t.http
      .put(`/api/profiles/${userId}`)
      .set(owner())
      .send({ traits: { name: 'Ada', email: `${userId}@example.test`, account_id: 'acme' } });
    await track(userId, 'signed_up', { plan: 'enterprise' }); // filtered out
    await track(userId, 'signed_up', { plan: 'trial' });

    const run = await until('the run to complete', async () => {
      const r = await runOf(journeyId, userId);
      return r?.status === 'completed' && r;
    });
    const detail = (await t.http.get(`/api/runs/${run.id}`).set(owner())).body;
    expect(detail.steps.map((s: { nodeId: string; port: string | null }) => `${s.nodeId}:${s.port}`)).toEqual([
      'start:next',
      'welcome:next',
      'wait:timeout',
      'health:next',
      'risk:next',
      'route:at_risk',
      'tomorrow9:next',
      'nudge:next',
      'done:null',
    ]);
    expect(detail.context.data.health.body).toEqual({ account: '/accounts/acme', score: 12 });
    expect(detail.context.data.risk.label).toBe('high');
    expect(openai.requests.at(-1)!.body).toMatchObject({
      messages: expect.arrayContaining([expect.objectContaining({ content: expect.stringContaining('health score 12') })]),
    });
    const subjects = (await smtp.waitForMessages(2)).filter((m) => m.to.includes(`${userId}@example.test`)).map((m) => m.subject);
    expect(subjects).toEqual(['Welcome Ada', 'Checking in, Ada (risk high)']);
    expect(detail.steps.every((s: { durationMs: number | null; status: string }) => s.status === 'completed')).toBe(true);
    const runs = await t.http.get(`/api/journeys/${journeyId}/runs`).set(owner());
    expect(runs.body.data.filter((r: { userId: string }) => r.userId === userId)).toHaveLength(1); // reentry once, filter applied
  });

  it('the awaited event resumes the run at "matched"; a goal event exits a run mid-delay at once', async () => {
    const journeyId = await publish({
      ...specExample(crmUrl),
      nodes: specExample(crmUrl).nodes.map((n) =>
        n.id === 'wait' ? { ...n, config: { event: 'feature_activated', timeoutSeconds: 60 } } : n,
      ),
    });
    const matched = `mia-${uniqueSuffix()}`;
    await t.http
      .put(`/api/profiles/${matched}`)
      .set(owner())
      .send({ traits: { name: 'Mia', email: `${matched}@example.test` } });
    await track(matched, 'signed_up', { plan: 'trial' });
    await until('waiting', async () => (await runOf(journeyId, matched))?.status === 'waiting');
    await track(matched, 'feature_activated');
    const done = await until('completed', async () => {
      const r = await runOf(journeyId, matched);
      return r?.status === 'completed' && r;
    });
    const steps = (await t.http.get(`/api/runs/${done.id}`).set(owner())).body.steps.map(
      (s: { nodeId: string; port: string }) => `${s.nodeId}:${s.port}`,
    );
    expect(steps).toContain('wait:matched');

    const delayed = await publish({
      name: 'Delay then send',
      exit: [{ event: 'subscription_started' }],
      nodes: [
        { id: 't', type: 'trigger', config: { event: 'trial_started' } },
        { id: 'd', type: 'delay', config: { seconds: 3600 } },
        { id: 's', type: 'send', config: { template: 'welcome', channels: ['email'] } },
      ],
      edges: [
        { from: 't', to: 'd' },
        { from: 'd', to: 's' },
      ],
    });
    const goal = `gus-${uniqueSuffix()}`;
    await t.http
      .put(`/api/profiles/${goal}`)
      .set(owner())
      .send({ traits: { email: `${goal}@example.test` } });
    await track(goal, 'trial_started');
    await until('waiting in the delay', async () => (await runOf(delayed, goal))?.status === 'waiting');
    await track(goal, 'subscription_started');
    const exited = await until('exited', async () => {
      const r = await runOf(delayed, goal);
      return r?.status === 'exited' && r;
    });
    expect(exited.endReason).toBe('goal event subscription_started');
    const timers = (await t.http.get(`/api/runs/${exited.id}`).set(owner())).body.timers;
    expect(timers[0].firedAt).toBeTruthy(); // cancelled: it will never fire
  });

  it('branch, split, update_profile and unconnected ports; runs timeline and cancel', async () => {
    const journeyId = await publish({
      name: 'Nodes',
      entry: { reentry: 'always' },
      nodes: [
        { id: 't', type: 'trigger', config: { event: 'hit_limit' } },
        { id: 'b', type: 'branch', config: { branches: [{ port: 'pro', when: { '==': [{ var: 'profile.traits.plan' }, 'pro'] } }] } },
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
        { id: 'u', type: 'update_profile', config: { set: { last_limit: '{{ event.properties.limit }}', nudged: true } } },
        { id: 'x', type: 'exit' },
      ],
      edges: [
        { from: 't', to: 'b' },
        { from: 'b', port: 'pro', to: 'ab' },
        { from: 'ab', port: 'a', to: 'u' },
        { from: 'ab', port: 'b', to: 'u' },
        { from: 'u', to: 'x' },
      ],
    });
    const pro = `pro-${uniqueSuffix()}`;
    await t.http
      .put(`/api/profiles/${pro}`)
      .set(owner())
      .send({ traits: { plan: 'pro' } });
    await track(pro, 'hit_limit', { limit: 'seats' });
    await until('pro run completed', async () => (await runOf(journeyId, pro))?.status === 'completed');
    expect((await t.http.get(`/api/profiles/${pro}`).set(owner())).body.traits).toMatchObject({
      plan: 'pro',
      last_limit: 'seats',
      nudged: true,
    });

    const free = `free-${uniqueSuffix()}`;
    await t.http
      .put(`/api/profiles/${free}`)
      .set(owner())
      .send({ traits: { plan: 'free' } });
    await track(free, 'hit_limit', { limit: 'seats' });
    const ended = await until('free run ended', async () => {
      const r = await runOf(journeyId, free);
      return r?.status === 'completed' && r;
    });
    expect(ended.endReason).toBe('port "default" of b is not connected');
  });

  it('re-entry after a number of seconds keeps a profile out until that long after its last entry', async () => {
    const journeyId = await publish({
      name: 'Re-entry window',
      entry: { reentry: { afterSeconds: 3600 } },
      nodes: [
        { id: 't', type: 'trigger', config: { api: true } },
        { id: 'x', type: 'exit' },
      ],
      edges: [{ from: 't', to: 'x' }],
    });
    const userId = `window-${uniqueSuffix()}`;
    await t.http.put(`/api/profiles/${userId}`).set(owner()).send({ traits: {} });
    const first = await t.http.post(`/api/journeys/${journeyId}/invoke`).set(owner()).send({ userId });
    expect(first.status).toBe(201);
    await until('the first run to end', async () => (await runOf(journeyId, userId))?.status === 'completed');
    expect((await t.http.post(`/api/journeys/${journeyId}/invoke`).set(owner()).send({ userId })).status).toBe(409);
    await db.query("UPDATE journey_runs SET entered_at = now() - interval '2 hours' WHERE id = $1", [first.body.runId]);
    const again = await t.http.post(`/api/journeys/${journeyId}/invoke`).set(owner()).send({ userId });
    expect(again.status).toBe(201);
    expect(again.body.runId).not.toBe(first.body.runId);
  });

  it('API invocation and /send naming a journey start runs; re-entry once; validation reports every problem', async () => {
    const journeyId = await publish({
      name: 'Invoked',
      nodes: [
        { id: 't', type: 'trigger', config: { api: true } },
        { id: 'd', type: 'delay', config: { seconds: 3600 } },
      ],
      edges: [{ from: 't', to: 'd' }],
    });
    const userId = `inv-${uniqueSuffix()}`;
    await t.http.put(`/api/profiles/${userId}`).set(owner()).send({ traits: {} });
    const invoked = await t.http
      .post(`/api/journeys/${journeyId}/invoke`)
      .set(owner())
      .send({ userId, data: { source: 'api' } });
    expect(invoked.status).toBe(201);
    expect((await t.http.post(`/api/journeys/${journeyId}/invoke`).set(owner()).send({ userId })).status).toBe(409);
    const run = (await t.http.get(`/api/runs/${invoked.body.runId}`).set(owner())).body;
    expect(run.context.data).toEqual({ source: 'api' });
    const cancelled = await t.http.post(`/api/runs/${invoked.body.runId}/cancel`).set(owner());
    expect(cancelled.body.status).toBe('cancelled');

    const other = `send-${uniqueSuffix()}`;
    await t.http.put(`/api/profiles/${other}`).set(owner()).send({ traits: {} });
    const name = (await t.http.get(`/api/journeys/${journeyId}`).set(owner())).body.name;
    const sent = await t.http
      .post('/send')
      .set(owner())
      .send({ message: { to: { user_id: other }, template: name, data: { via: 'send' } } });
    expect(sent.status).toBe(202);
    const viaSend = await until('a run from /send, waiting in its delay', async () => {
      const r = await runOf(journeyId, other);
      return r?.status === 'waiting' && r;
    });
    expect((await t.http.get(`/api/runs/${viaSend.id}`).set(owner())).body.context.data).toEqual({ via: 'send' });

    const broken = await t.http
      .post('/api/journeys')
      .set(owner())
      .send({
        name: `Broken ${uniqueSuffix()}`,
        definition: {
          nodes: [
            { id: 't', type: 'trigger', config: { event: 'x' } },
            { id: 's', type: 'send', config: { template: 'no-such-template' } },
            { id: 'orphan', type: 'exit' },
            { id: 'd', type: 'delay', config: { seconds: -5 } },
          ],
          edges: [
            { from: 't', to: 's' },
            { from: 's', port: 'nope', to: 'd' },
          ],
        },
      });
    const report = await t.http.post(`/api/journeys/${broken.body.id}/validate`).set(owner()).send({});
    expect(report.body.ok).toBe(false);
    const nodes = new Set(report.body.problems.map((p: { nodeId?: string }) => p.nodeId));
    expect(nodes.has('orphan')).toBe(true);
    expect(nodes.has('d')).toBe(true);
    const publishBroken = await t.http.post(`/api/journeys/${broken.body.id}/publish`).set(owner()).send({});
    expect(publishBroken.status).toBe(422);
    expect(publishBroken.body.errors.length).toBeGreaterThan(1);
    expect((await db.query('SELECT count(*)::int AS n FROM journey_versions WHERE journey_id = $1', [broken.body.id]))[0].n).toBe(0);
  });
});
