import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { Webhook } from 'standardwebhooks';
import { DataSource } from 'typeorm';
import { FCM_FAKE_ACCESS_TOKEN, FCM_FAKE_PROJECT_ID, type FcmFake, startFcmFake } from '../../../../../tools/fakes/fcm.js';
import { GRAPH_FAKE_ACCESS_TOKEN, type GraphFake, startGraphFake } from '../../../../../tools/fakes/graph.js';
import { SLACK_FAKE_TOKEN, type SlackFake, startSlackFake } from '../../../../../tools/fakes/slack.js';
import { startTestApp, type TestApp, type TestWorkspace, uniqueSuffix } from '../../testing/test-app.js';

const FCM_PLUGIN = '@itinera/channel-push-fcm/fcm';
const SLACK_PLUGIN = '@itinera/channel-slack/slack';
const TEAMS_PLUGIN = '@itinera/channel-teams/teams';
const WEBHOOK_PLUGIN = '@itinera/channel-webhook/webhook';

/** A token the FCM fake answers UNREGISTERED for, from the start. */
const DEAD_TOKEN = 'tok-dead-device-0000000001';
const TEAM = '2f6c1f0e-0000-4000-8000-00000000b001';
const TEAM_CHANNEL = '19:launches@thread.tacv2';
const TEAMS_CHAT = '19:ada_itinera@unq.gbl.spaces';

/** One template for push and chat (Slack and Teams). */
const LAUNCH = {
  push: {
    title: 'New: {{ data.feature }}',
    body: 'Hi {{ profile.traits.name }}, {{ data.feature }} is live',
    data: { feature: '{{ data.feature }}', plan: '{{ profile.traits.plan }}' },
  },
  chat: { text: 'Hi {{ profile.traits.name }}, *{{ data.feature }}* is live on your {{ profile.traits.plan }} plan', markdown: true },
};

/** The outbound webhook: where it goes and the JSON it carries, both rendered per profile. */
const HOOK_BODY = {
  event: 'feature_launched',
  userId: '{{ profile.userId }}',
  feature: '{{ data.feature }}',
  plan: '{{ profile.traits.plan }}',
};

interface ReceivedHook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

interface MessageView {
  id: string;
  channel: string;
  status: string;
  reason: string | null;
  recipient: string | null;
  provider: string | null;
  providerMessageId: string | null;
}

/** A webhook endpoint on loopback that records what it receives. */
async function startReceiver(): Promise<{ url: string; received: ReceivedHook[]; close(): Promise<void> }> {
  const received: ReceivedHook[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('messaging: /send through the push, Slack, Teams and webhook plugins (integration, against the fakes)', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let fcm: FcmFake;
  let slack: SlackFake;
  let graph: GraphFake;
  let db: DataSource;
  const defaultCas = tls.getCACertificates('default');
  const owner = () => ({ Authorization: `Bearer ${ws.keys.owner}` });

  async function waitForRequest(
    requestId: string,
    headers = owner(),
    done = (statuses: string[]) => statuses.length > 0 && statuses.every((s) => !['queued', 'sending'].includes(s)),
  ): Promise<MessageView[]> {
    for (let i = 0; i < 150; i += 1) {
      const res = await t.http.get('/api/messages').query({ requestId }).set(headers);
      const statuses = (res.body.data ?? []).map((m: { status: string }) => m.status);
      if (done(statuses)) return res.body.data as MessageView[];
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`request ${requestId} did not settle`);
  }

  async function send(message: Record<string, unknown>, headers = owner()): Promise<string> {
    const res = await t.http.post('/send').set(headers).send({ message });
    expect({ status: res.status, body: res.body }).toEqual({ status: 202, body: { requestId: expect.any(String) } });
    return res.body.requestId as string;
  }

  async function profile(contactPoints: Array<{ channel: string; value: string }>, traits: Record<string, unknown> = {}): Promise<string> {
    const userId = `u-${uniqueSuffix()}`;
    const res = await t.http
      .put(`/api/profiles/${userId}`)
      .set(owner())
      .send({ traits: { name: 'Ada', plan: 'Pro', ...traits }, contactPoints, timezone: 'UTC' });
    expect(res.status).toBe(200);
    return userId;
  }

  async function contactPoints(userId: string, channel: string): Promise<string[]> {
    const res = await t.http.get(`/api/profiles/${userId}`).set(owner());
    return (res.body.contactPoints as Array<{ channel: string; value: string }>).filter((c) => c.channel === channel).map((c) => c.value);
  }

  async function provider(headers: Record<string, string>, body: Record<string, unknown>): Promise<string> {
    const res = await t.http.post('/api/channels').set(headers).send(body);
    expect({ status: res.status, error: res.status === 201 ? undefined : res.body }).toEqual({ status: 201 });
    return res.body.id as string;
  }

  async function template(headers: Record<string, string>, key: string, content: Record<string, unknown>): Promise<void> {
    const created = await t.http.post('/api/templates').set(headers).send({ key, name: key, content });
    expect({ status: created.status, error: created.status === 201 ? undefined : created.body }).toEqual({ status: 201 });
    const published = await t.http.post(`/api/templates/${key}/publish`).set(headers).send({});
    expect(published.status).toBe(201);
  }

  beforeAll(async () => {
    fcm = await startFcmFake({ unregisteredTokens: [DEAD_TOKEN] });
    slack = await startSlackFake();
    graph = await startGraphFake({ teams: { [TEAM]: [TEAM_CHANNEL] }, chats: [TEAMS_CHAT] });
    // The Graph fake's certificate is self-signed: trust it for new TLS connections of this process.
    tls.setDefaultCACertificates([...defaultCas, graph.ca]);

    t = await startTestApp({ ITINERA_PLUGINS: [FCM_PLUGIN, SLACK_PLUGIN, TEAMS_PLUGIN, WEBHOOK_PLUGIN].join(',') });
    ws = await t.workspace();
    db = t.app.get(DataSource);

    await provider(owner(), {
      pluginId: FCM_PLUGIN,
      name: 'FCM',
      config: { projectId: FCM_FAKE_PROJECT_ID, accessToken: FCM_FAKE_ACCESS_TOKEN, endpoint: fcm.url },
    });
    await provider(owner(), { pluginId: SLACK_PLUGIN, name: 'Slack', config: { botToken: SLACK_FAKE_TOKEN, apiUrl: slack.apiUrl } });
    await provider(owner(), {
      pluginId: TEAMS_PLUGIN,
      name: 'Teams',
      config: { accessToken: GRAPH_FAKE_ACCESS_TOKEN, graphBaseUrl: graph.url },
    });
    await template(owner(), 'launch', LAUNCH);
  });

  afterEach(() => {
    fcm.reset();
    slack.reset();
    graph.reset();
  });

  afterAll(async () => {
    await t?.close();
    tls.setDefaultCACertificates(defaultCas);
    await fcm?.close();
    await slack?.close();
    await graph?.close();
  });

  it('the plugins are installed and the providers point at the fakes', async () => {
    const plugins = await t.http.get('/api/plugins').set(owner());
    expect(plugins.status).toBe(200);
    const listed = JSON.stringify(plugins.body);
    for (const id of [FCM_PLUGIN, SLACK_PLUGIN, TEAMS_PLUGIN, WEBHOOK_PLUGIN]) expect(listed).toContain(id);
    const channels = await t.http.get('/api/channels').set(owner());
    expect((channels.body as Array<{ pluginId: string }>).map((c) => c.pluginId).sort()).toEqual(
      [FCM_PLUGIN, SLACK_PLUGIN, TEAMS_PLUGIN].sort(),
    );
    // Secrets are sealed: never echoed back.
    expect(JSON.stringify(channels.body)).not.toContain(FCM_FAKE_ACCESS_TOKEN);
    expect(JSON.stringify(channels.body)).not.toContain(SLACK_FAKE_TOKEN);
  });

  it("push: the rendered notification reaches FCM for the profile's device token", async () => {
    const token = `tok-live-${uniqueSuffix()}-device`;
    const userId = await profile([{ channel: 'push', value: token }]);
    const requestId = await send({
      to: { user_id: userId },
      template: 'launch',
      data: { feature: 'Journeys' },
      routing: { method: 'single', channels: ['push'] },
    });

    const [message] = await waitForRequest(requestId);
    expect(message).toMatchObject({ channel: 'push', status: 'sent', recipient: token, provider: FCM_PLUGIN });
    expect(message.providerMessageId).toMatch(new RegExp(`^projects/${FCM_FAKE_PROJECT_ID}/messages/`));

    const delivered = fcm.messages.filter((m) => !m.validateOnly);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.name).toBe(message.providerMessageId);
    expect(delivered[0]!.message).toMatchObject({
      token,
      notification: { title: 'New: Journeys', body: 'Hi Ada, Journeys is live' },
      data: { feature: 'Journeys', plan: 'Pro' },
    });
    expect(await contactPoints(userId, 'push')).toEqual([token]);
  });

  it('push: a token FCM reports unregistered is dropped from the profile; the live one still gets the message', async () => {
    const live = `tok-live-${uniqueSuffix()}-device`;
    const userId = await profile([
      { channel: 'push', value: DEAD_TOKEN },
      { channel: 'push', value: live },
    ]);
    expect((await contactPoints(userId, 'push')).sort()).toEqual([DEAD_TOKEN, live].sort());

    const requestId = await send({
      to: { user_id: userId },
      template: 'launch',
      data: { feature: 'Segments' },
      routing: { method: 'single', channels: ['push'] },
    });
    const [message] = await waitForRequest(requestId);
    expect(message).toMatchObject({ channel: 'push', status: 'sent' });

    // FCM was asked for both tokens (one request per token), delivered to the live one only.
    const sends = fcm.requests.filter((r) => r.path.endsWith('/messages:send'));
    expect(sends.map((r) => (r.body as { message: { token: string } }).message.token).sort()).toEqual([DEAD_TOKEN, live].sort());
    expect(fcm.messages.map((m) => m.message.token)).toEqual([live]);
    expect(await contactPoints(userId, 'push')).toEqual([live]);

    // The next send goes to the live token only.
    const next = await send({
      to: { user_id: userId },
      template: 'launch',
      data: { feature: 'Segments' },
      routing: { method: 'single', channels: ['push'] },
    });
    expect((await waitForRequest(next))[0]).toMatchObject({ status: 'sent', recipient: live });
    expect(fcm.requests.filter((r) => r.path.endsWith('/messages:send'))).toHaveLength(3);
  });

  it('push: when every token is dead the message fails, and the dead tokens are dropped all the same', async () => {
    const gone = `tok-gone-${uniqueSuffix()}-device`;
    fcm.unregister(gone);
    const userId = await profile([{ channel: 'push', value: gone }]);
    const requestId = await send({
      to: { user_id: userId },
      template: 'launch',
      data: { feature: 'X' },
      routing: { method: 'single', channels: ['push'] },
    });
    const [message] = await waitForRequest(requestId);
    expect(message).toMatchObject({ channel: 'push', status: 'failed' });
    expect(message.reason).toMatch(/FCM: .*registered/);
    expect(fcm.messages).toHaveLength(0);
    expect(await contactPoints(userId, 'push')).toEqual([]);
  });

  it("Slack: the rendered chat text is posted to the profile's Slack user, in Markdown with a plain-text fallback", async () => {
    const slackUser = `U${randomBytes(4).toString('hex').toUpperCase()}`;
    const userId = await profile([{ channel: 'slack', value: slackUser }], { name: 'Grace', plan: 'Team' });
    const requestId = await send({
      to: { user_id: userId },
      template: 'launch',
      data: { feature: 'Analytics' },
      routing: { method: 'single', channels: ['slack'] },
    });

    const [message] = await waitForRequest(requestId);
    expect(message).toMatchObject({ channel: 'slack', status: 'sent', recipient: slackUser, provider: SLACK_PLUGIN });
    expect(slack.messages).toHaveLength(1);
    const posted = slack.messages[0]!;
    expect(posted.channel).toBe(slackUser);
    expect(posted.text).toBe('Hi Grace, *Analytics* is live on your Team plan');
    expect(JSON.stringify(posted.blocks)).toContain('Hi Grace, *Analytics* is live on your Team plan');
    expect(message.providerMessageId).toBe(`${slackUser}:${posted.ts}`);
    expect(String(slack.requests.at(-1)!.headers.authorization)).toBe(`Bearer ${SLACK_FAKE_TOKEN}`);
  });

  it("Slack: a channel Slack does not know fails the message with the provider's reason", async () => {
    const userId = await profile([{ channel: 'slack', value: 'C0ARCHIVED1' }]);
    slack.platformErrorNext('channel_not_found');
    const requestId = await send({
      to: { user_id: userId },
      template: 'launch',
      data: { feature: 'Y' },
      routing: { method: 'single', channels: ['slack'] },
    });
    const [message] = await waitForRequest(requestId);
    expect(message).toMatchObject({ channel: 'slack', status: 'failed' });
    expect(message.reason).toMatch(/^Slack: .*channel_not_found/);
    expect(slack.messages).toHaveLength(0);
  });

  it('Teams: the chat text reaches Microsoft Graph over https, as escaped HTML, in a chat and in a team channel', async () => {
    const inChat = await profile([{ channel: 'teams', value: TEAMS_CHAT }], { name: 'Ada <admin>', plan: 'Pro & more' });
    const first = await send({
      to: { user_id: inChat },
      template: 'launch',
      data: { feature: 'Inbox' },
      routing: { method: 'single', channels: ['teams'] },
    });
    const [chatMessage] = await waitForRequest(first);
    expect(chatMessage).toMatchObject({ channel: 'teams', status: 'sent', recipient: TEAMS_CHAT, provider: TEAMS_PLUGIN });
    expect(graph.messages).toHaveLength(1);
    expect(graph.messages[0]).toMatchObject({
      kind: 'chat',
      chatId: TEAMS_CHAT,
      message: { body: { contentType: 'html', content: 'Hi Ada &lt;admin&gt;, *Inbox* is live on your Pro &amp; more plan' } },
    });
    expect(chatMessage.providerMessageId).toBe(`chats/${TEAMS_CHAT}/messages/${graph.messages[0]!.id}`);

    const address = JSON.stringify({ teamId: TEAM, channelId: TEAM_CHANNEL });
    const inChannel = await profile([{ channel: 'teams', value: address }], { name: 'Linus' });
    const second = await send({
      to: { user_id: inChannel },
      template: 'launch',
      data: { feature: 'Canvas' },
      routing: { method: 'single', channels: ['teams'] },
    });
    const [channelMessage] = await waitForRequest(second);
    expect(channelMessage).toMatchObject({ channel: 'teams', status: 'sent', recipient: address });
    expect(graph.messages).toHaveLength(2);
    expect(graph.messages[1]).toMatchObject({
      kind: 'channel',
      teamId: TEAM,
      channelId: TEAM_CHANNEL,
      message: { body: { contentType: 'html', content: 'Hi Linus, *Canvas* is live on your Pro plan' } },
    });
  });

  it('routing "all" sends on every eligible channel at once; "single" falls back from a failing Slack to Teams and stops there', async () => {
    const token = `tok-live-${uniqueSuffix()}-device`;
    const slackUser = `U${randomBytes(4).toString('hex').toUpperCase()}`;
    const userId = await profile(
      [
        { channel: 'push', value: token },
        { channel: 'slack', value: slackUser },
        { channel: 'teams', value: TEAMS_CHAT },
      ],
      { name: 'Eve' },
    );
    // The profile has no e-mail address: that channel is skipped, the others all send.
    const all = await send({
      to: { user_id: userId },
      template: 'launch',
      data: { feature: 'Splits' },
      routing: { method: 'all', channels: ['email', 'push', 'slack', 'teams'] },
    });
    const messages = await waitForRequest(all, owner(), (s) => s.length === 3 && s.every((x) => x !== 'queued' && x !== 'sending'));
    expect(Object.fromEntries(messages.map((m) => [m.channel, m.status]))).toEqual({ push: 'sent', slack: 'sent', teams: 'sent' });
    expect(fcm.messages.map((m) => m.message.notification)).toEqual([{ title: 'New: Splits', body: 'Hi Eve, Splits is live' }]);
    expect(slack.messages.map((m) => [m.channel, m.text])).toEqual([[slackUser, 'Hi Eve, *Splits* is live on your Pro plan']]);
    expect(graph.messages.map((m) => m.message.body)).toEqual([
      { contentType: 'html', content: 'Hi Eve, *Splits* is live on your Pro plan' },
    ]);
    const outcome = await db.query('SELECT outcome FROM send_requests WHERE id = $1', [all]);
    expect(outcome[0].outcome.channels).toContainEqual({
      channel: 'email',
      status: 'skipped',
      reason: 'the profile has no email contact point',
    });

    // Single routing, Slack failing: falls back to Teams; push is not tried after a channel delivered.
    slack.failNext({ status: 500 });
    const single = await send({
      to: { user_id: userId },
      template: 'launch',
      data: { feature: 'Fallback' },
      routing: { method: 'single', channels: ['slack', 'teams', 'push'] },
    });
    const fallback = await waitForRequest(single, owner(), (s) => s.includes('sent'));
    expect(Object.fromEntries(fallback.map((m) => [m.channel, m.status]))).toEqual({ slack: 'failed', teams: 'sent' });
    expect(graph.messages.at(-1)!.message.body).toEqual({ contentType: 'html', content: 'Hi Eve, *Fallback* is live on your Pro plan' });
    expect(fcm.messages).toHaveLength(1);
  });

  it("webhook: the template's webhook block is sent, signed (Standard Webhooks), to an allow-listed receiver; loopback is refused without the allow-list", async () => {
    const receiver = await startReceiver();
    try {
      const other = await t.workspace();
      const auth = { Authorization: `Bearer ${other.keys.owner}` };
      const signingSecret = `whsec_${randomBytes(32).toString('base64')}`;
      await provider(auth, { pluginId: WEBHOOK_PLUGIN, name: 'Hooks', config: { signingSecret, allowCidrs: ['127.0.0.1/32'] } });
      await template(auth, 'launch-hook', {
        webhook: { url: `${receiver.url}/hooks/itinera?user={{ profile.userId }}`, body: HOOK_BODY },
      });
      const userId = `hook-${uniqueSuffix()}`;
      expect(
        (
          await t.http
            .put(`/api/profiles/${userId}`)
            .set(auth)
            .send({ traits: { plan: 'Scale' } })
        ).status,
      ).toBe(200);

      const requestId = await send({ to: { user_id: userId }, template: 'launch-hook', data: { feature: 'Webhooks' } }, auth);
      const [message] = await waitForRequest(requestId, auth);
      expect(message).toMatchObject({ channel: 'webhook', status: 'sent', provider: WEBHOOK_PLUGIN });
      expect(receiver.received).toHaveLength(1);
      const hook = receiver.received[0]!;
      expect(hook.path).toBe(`/hooks/itinera?user=${userId}`);
      expect(JSON.parse(hook.body)).toEqual({ event: 'feature_launched', userId, feature: 'Webhooks', plan: 'Scale' });
      // A receiver verifies it with any Standard Webhooks library and the shared secret.
      expect(() => new Webhook(signingSecret).verify(hook.body, hook.headers as Record<string, string>)).not.toThrow();
      expect(message.providerMessageId).toBe(hook.headers['webhook-id']);

      // The same send in a workspace whose webhook provider has no allow-list: the SSRF guard refuses loopback.
      const guarded = await t.workspace();
      const guardedAuth = { Authorization: `Bearer ${guarded.keys.owner}` };
      await provider(guardedAuth, { pluginId: WEBHOOK_PLUGIN, name: 'Hooks', config: { signingSecret } });
      await template(guardedAuth, 'launch-hook', { webhook: { url: `${receiver.url}/hooks/itinera`, body: { ping: true } } });
      await t.http.put(`/api/profiles/${userId}`).set(guardedAuth).send({ traits: {} });
      const blocked = await send({ to: { user_id: userId }, template: 'launch-hook' }, guardedAuth);
      const [refused] = await waitForRequest(blocked, guardedAuth);
      expect(refused).toMatchObject({ channel: 'webhook', status: 'failed' });
      expect(refused.reason).toMatch(/loopback/i);
      expect(receiver.received).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });
});
