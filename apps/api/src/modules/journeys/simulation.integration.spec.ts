import { createServer, type Server } from 'node:http';
import { jest } from '@jest/globals';
import { DataSource } from 'typeorm';
import { startSmtpFake, type SmtpFake } from '@itinera/fakes';
import { startTestApp, type TestApp, type TestWorkspace, uniqueSuffix } from '../../testing/test-app.js';

const SMTP = '@itinera/channel-email-smtp/smtp';
const HTTP = '@itinera/datasource-http/http';
const OPENAI = '@itinera/llm-openai/openai';
const MJML = (text: string) => `<mjml><mj-body><mj-section><mj-column><mj-text>${text}</mj-text></mj-column></mj-section></mj-body></mjml>`;

/** The example journey of docs/journey-definition.md, with its CRM at a loopback server. */
function example(crmUrl: string) {
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
      { id: 'wait', type: 'wait_for_event', config: { event: 'feature_activated', timeoutSeconds: 259200 } },
      {
        id: 'health',
        type: 'fetch',
        config: { source: 'http', request: { method: 'GET', url: `${crmUrl}/accounts/{{ profile.traits.account_id }}` }, timeoutMs: 2000 },
      },
      {
        id: 'risk',
        type: 'ai',
        config: { provider: 'openai', task: 'classify', labels: ['high', 'low'], prompt: 'Risk for score {{ data.health.body.score }}?' },
      },
      { id: 'route', type: 'branch', config: { branches: [{ port: 'at_risk', when: { '==': [{ var: 'data.risk.label' }, 'high'] } }] } },
      { id: 'nudge', type: 'send', config: { template: 'check-in', channels: ['email'] } },
      { id: 'tomorrow9', type: 'delay', config: { until: { time: '09:00', timezone: 'profile' } } },
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

interface Step {
  nodeId: string;
  port: string | null;
  at: string;
  dueAt: string | null;
  output: unknown;
  conditions?: Array<{ port: string; result: boolean; values: Record<string, unknown> }>;
  message: { decision: Array<{ channel: string; status: string; reason?: string }>; rendered: Array<Record<string, unknown>> } | null;
  sample?: boolean;
}

jest.setTimeout(60_000);

describe('journey simulation: POST /api/journeys/{id}/simulate and …/nodes/{nodeId}/run (integration: PostgreSQL + fakes)', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let smtp: SmtpFake;
  let crm: Server;
  let crmUrl: string;
  let db: DataSource;
  let journeyId: string;
  const owner = () => ({ Authorization: `Bearer ${ws.keys.owner}` });
  const viewer = () => ({ Authorization: `Bearer ${ws.keys.viewer}` });
  const sampleProfile = {
    userId: 'sample',
    email: 'ada@example.test',
    timezone: 'Europe/Berlin',
    traits: { name: 'Ada', account_id: 'acme' },
  };
  const simulate = (body: Record<string, unknown>, headers = owner()) =>
    t.http.post(`/api/journeys/${journeyId}/simulate`).set(headers).send(body);
  const counts = async () =>
    (
      await db.query(
        'SELECT (SELECT count(*) FROM messages WHERE workspace_id = $1)::int AS messages, (SELECT count(*) FROM journey_runs WHERE workspace_id = $1)::int AS runs',
        [ws.id],
      )
    )[0];

  beforeAll(async () => {
    smtp = await startSmtpFake();
    crm = createServer((req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ account: req.url, score: req.url?.endsWith('/acme') ? 12 : 95 }));
    });
    await new Promise<void>((r) => crm.listen(0, '127.0.0.1', r));
    crmUrl = `http://127.0.0.1:${(crm.address() as { port: number }).port}`;
    t = await startTestApp({ ITINERA_ROLE: 'api', ITINERA_PLUGINS: `${SMTP},${HTTP},${OPENAI}` });
    ws = await t.workspace();
    db = t.app.get(DataSource);
    await t.http
      .post('/api/channels')
      .set(owner())
      .send({ pluginId: SMTP, name: 'SMTP', config: { host: '127.0.0.1', port: smtp.port, startTls: 'disabled', from: 'hi@example.test' } })
      .expect(201);
    await t.http
      .post('/api/channels')
      .set(owner())
      .send({ pluginId: HTTP, name: 'CRM', config: { allowCidrs: ['127.0.0.0/8'] } })
      .expect(201);
    await t.http
      .post('/api/topics')
      .set(owner())
      .send({ key: 'onboarding', name: 'Onboarding', defaultPreference: 'opted_in' })
      .expect(201);
    await t.http
      .post('/api/templates')
      .set(owner())
      .send({
        key: 'welcome',
        name: 'welcome',
        content: {
          email: { subject: 'Welcome {{ profile.traits.name }}', mjml: MJML('Hi {{ profile.traits.name }}') },
          inapp: { title: 'Welcome', body: 'Hi' },
        },
      })
      .expect(201);
    await t.http.post('/api/templates/welcome/publish').set(owner()).send({}).expect(201);
    // Not published yet: a simulation renders its draft.
    await t.http
      .post('/api/templates')
      .set(owner())
      .send({
        key: 'check-in',
        name: 'check-in',
        content: { email: { subject: 'Checking in (risk {{ data.risk.label }})', mjml: MJML('How is it going?') } },
      })
      .expect(201);
    const created = await t.http
      .post('/api/journeys')
      .set(owner())
      .send({ name: `Trial onboarding ${uniqueSuffix()}`, definition: example(crmUrl) })
      .expect(201);
    journeyId = created.body.id;
  });

  afterAll(async () => {
    await t.close();
    await smtp.close();
    crm.close();
  });

  it('walks the draft for a sample profile: the path, each step’s output and port, rendered e-mails, due times — and changes nothing', async () => {
    const before = await counts();
    const res = await simulate({
      profile: sampleProfile,
      event: { name: 'signed_up', properties: { plan: 'trial' } },
      at: '2026-12-02T10:00:00Z',
      samples: { health: { status: 200, body: { score: 12 } }, risk: { label: 'high' } },
    });
    expect(res.status).toBe(200);
    const steps = res.body.steps as Step[];
    expect(steps.map((s) => [s.nodeId, s.port])).toEqual([
      ['start', 'next'],
      ['welcome', 'next'],
      ['wait', 'timeout'],
      ['health', 'next'],
      ['risk', 'next'],
      ['route', 'at_risk'],
      ['tomorrow9', 'next'],
      ['nudge', 'next'],
      ['done', null],
    ]);
    expect(res.body.outcome).toEqual({ status: 'completed', reason: 'reached exit node done' });
    const step = (id: string) => steps.find((s) => s.nodeId === id)!;
    expect(step('start').conditions).toEqual([
      expect.objectContaining({ port: 'next', result: true, values: { 'event.properties.plan': 'trial' } }),
    ]);
    expect(step('welcome').message!.decision).toEqual([
      expect.objectContaining({ channel: 'email', status: 'would_send', recipient: 'ada@example.test' }),
    ]);
    expect(step('welcome').message!.rendered[0]).toMatchObject({ channel: 'email', email: { subject: 'Welcome Ada' } });
    expect(step('welcome').message!.rendered[0].email).toMatchObject({ html: expect.stringContaining('Hi Ada') });
    // The wait times out three days later; 09:00 Berlin the next morning is 08:00 UTC.
    expect(step('wait').dueAt).toBe('2026-12-05T10:00:00.000Z');
    expect(step('health')).toMatchObject({ output: { status: 200, body: { score: 12 } }, sample: true, at: '2026-12-05T10:00:00.000Z' });
    expect(step('route').conditions).toEqual([
      { port: 'at_risk', when: expect.any(Object), result: true, values: { 'data.risk.label': 'high' } },
    ]);
    expect(step('tomorrow9').dueAt).toBe('2026-12-06T08:00:00.000Z');
    expect(step('nudge').message!.rendered[0]).toMatchObject({ channel: 'email', email: { subject: 'Checking in (risk high)' } });
    expect(await counts()).toEqual(before);
    expect(smtp.messages).toHaveLength(0);
  });

  it('follows matched when the user says the awaited event comes; viewers may simulate', async () => {
    const res = await simulate(
      { profile: sampleProfile, event: { name: 'signed_up', properties: { plan: 'trial' } }, waits: { wait: 'matched' } },
      viewer(),
    );
    expect(res.status).toBe(200);
    expect((res.body.steps as Step[]).map((s) => s.nodeId)).toEqual(['start', 'welcome', 'wait', 'done']);
    expect((res.body.steps as Step[])[2]).toMatchObject({ port: 'matched', dueAt: null });
  });

  it('reports an entry its trigger filter rejects, with the value the filter saw', async () => {
    const res = await simulate({ profile: sampleProfile, event: { name: 'signed_up', properties: { plan: 'pro' } } });
    expect(res.status).toBe(200);
    expect(res.body.outcome.status).toBe('entry_rejected');
    expect(res.body.steps).toEqual([
      expect.objectContaining({
        nodeId: 'start',
        port: null,
        conditions: [expect.objectContaining({ result: false, values: { 'event.properties.plan': 'pro' } })],
      }),
    ]);
  });

  it("applies a real profile's preferences and contact points: opted out of e-mail, single routing falls back to in-app", async () => {
    const userId = `bea-${uniqueSuffix()}`;
    await t.http
      .put(`/api/profiles/${userId}`)
      .set(owner())
      .send({ traits: { name: 'Bea', email: `${userId}@example.test` } })
      .expect(200);
    await t.http
      .put(`/api/profiles/${userId}/preferences/onboarding`)
      .set(owner())
      .send({ status: 'opted_in', channels: { email: 'opted_out' } })
      .expect(200);
    const res = await simulate({ userId, event: { name: 'signed_up', properties: { plan: 'trial' } }, waits: { wait: 'matched' } });
    const welcome = (res.body.steps as Step[]).find((s) => s.nodeId === 'welcome')!;
    expect(welcome.message!.decision.map((d) => [d.channel, d.status])).toEqual([
      ['email', 'suppressed'],
      ['inapp', 'would_send'],
    ]);
    expect(welcome.message!.rendered).toEqual([
      expect.objectContaining({ channel: 'inapp', inapp: expect.objectContaining({ title: 'Welcome' }) }),
    ]);
  });

  it('answers 4xx naming what to fix: the wrong event, an unknown user, an invalid draft, bad input', async () => {
    const wrong = await simulate({ profile: sampleProfile, event: { name: 'logged_in' } });
    expect(wrong.status).toBe(422);
    expect(wrong.body.message).toMatch(/listens for "signed_up", not "logged_in"/);
    expect((await simulate({ userId: 'nobody-here', event: { name: 'signed_up' } })).status).toBe(404);
    expect((await simulate({ profile: { timezone: 'Mars/Base' }, event: { name: 'signed_up' } })).status).toBe(400);
    expect((await simulate({ version: 'latest', event: { name: 'signed_up' } })).status).toBe(400);
    expect((await simulate({ version: 3, event: { name: 'signed_up' } })).status).toBe(404);

    const broken = await t.http
      .post('/api/journeys')
      .set(owner())
      .send({
        name: `broken ${uniqueSuffix()}`,
        definition: {
          name: 'broken',
          nodes: [
            { id: 'start', type: 'trigger', config: { event: 'x' } },
            { id: 'w', type: 'delay', config: {} },
          ],
          edges: [{ from: 'start', to: 'w' }],
        },
      })
      .expect(201);
    const invalid = await t.http
      .post(`/api/journeys/${broken.body.id}/simulate`)
      .set(owner())
      .send({ event: { name: 'x' } });
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'node:w' })]));
  });

  it('runs one fetch node for real through the data source, with nothing else happening', async () => {
    const res = await t.http.post(`/api/journeys/${journeyId}/nodes/health/run`).set(owner()).send({ profile: sampleProfile });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      port: 'next',
      output: { status: 200, headers: expect.any(Object), body: { account: '/accounts/acme', score: 12 } },
    });
    const notPlugin = await t.http.post(`/api/journeys/${journeyId}/nodes/route/run`).set(owner()).send({ profile: sampleProfile });
    expect(notPlugin.status).toBe(422);
    expect((await t.http.post(`/api/journeys/${journeyId}/nodes/health/run`).set(viewer()).send({})).status).toBe(403);
  });
});
