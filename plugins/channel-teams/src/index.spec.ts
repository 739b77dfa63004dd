import tls from 'node:tls';
import { type ChatMessage, createTestContext, isPluginError, runConformanceSuite, type TestContextOverrides } from '@itinera/plugin-sdk';
import {
  GRAPH_FAKE_ACCESS_TOKEN,
  GRAPH_FAKE_CLIENT_ID,
  GRAPH_FAKE_CLIENT_SECRET,
  type GraphFake,
  startGraphFake,
} from '../../../tools/fakes/graph.js';
import teamsPlugin, { manifest, type TeamsConfig, type TeamsSecrets } from './index.js';

const TEAM = '2f6c1f0e-0000-4000-8000-00000000a001';
const CHANNEL = '19:onboarding@thread.tacv2';
const CHAT = '19:ada_itinera@unq.gbl.spaces';

let fake: GraphFake;
const defaultCas = tls.getCACertificates('default');

beforeAll(async () => {
  fake = await startGraphFake({ teams: { [TEAM]: [CHANNEL] }, chats: [CHAT] });
  // The fake's certificate is self-signed. NODE_EXTRA_CA_CERTS is read once at process start-up,
  // so inside Jest the test trusts it by adding it to the default CA list for this process.
  tls.setDefaultCACertificates([...defaultCas, fake.ca]);
});
afterEach(() => fake.reset());
afterAll(async () => {
  tls.setDefaultCACertificates(defaultCas);
  await fake.close();
});

const config = () => ({ accessToken: GRAPH_FAKE_ACCESS_TOKEN, graphBaseUrl: fake.url });
const clientCredentials = (scope: string) => ({
  clientId: GRAPH_FAKE_CLIENT_ID,
  clientSecret: GRAPH_FAKE_CLIENT_SECRET,
  tokenUrl: fake.tokenUrl,
  scope,
  graphBaseUrl: fake.url,
});
const message: ChatMessage = { to: { teamId: TEAM, channelId: CHANNEL }, text: 'Ada signed up <trial>\nPlan: Pro & more' };

runConformanceSuite(teamsPlugin, {
  config,
  input: message,
  failures: [
    {
      name: 'HTTP 429 TooManyRequests',
      arrange: () => fake.failNext({ status: 429, retryAfterSeconds: 2 }),
      retryable: true,
      code: 'rate_limited',
    },
    { name: 'HTTP 503 serviceNotAvailable', arrange: () => fake.failNext({ status: 503 }), retryable: true },
    { name: 'HTTP 500', arrange: () => fake.failNext({ status: 500 }), retryable: true },
    { name: 'invalid access token (401)', config: () => ({ ...config(), accessToken: 'expired' }), retryable: false, code: 'auth' },
    { name: 'missing permission (403)', arrange: () => fake.failNext({ status: 403 }), retryable: false, code: 'auth' },
    {
      name: 'unknown channel (404)',
      input: { ...message, to: { teamId: TEAM, channelId: '19:gone@thread.tacv2' } },
      retryable: false,
      code: 'invalid_recipient',
    },
    {
      name: 'client secret rejected by the token endpoint',
      config: () => ({ ...clientCredentials('conformance/.default'), clientSecret: 'wrong' }),
      retryable: false,
      code: 'auth',
    },
    { name: 'nothing listening', config: () => ({ ...config(), graphBaseUrl: 'https://127.0.0.1:9' }), retryable: true, code: 'network' },
  ],
});

const context = (values: Record<string, unknown> = config(), overrides: TestContextOverrides<TeamsConfig, TeamsSecrets> = {}) =>
  createTestContext<TeamsConfig, TeamsSecrets>({ manifest, values, ...overrides });

describe('Microsoft Teams channel', () => {
  it('posts an HTML chatMessage to a channel through the Graph client', async () => {
    const result = await teamsPlugin.send(context(), message);
    const [posted] = fake.messages;
    expect(result.providerMessageId).toBe(`teams/${TEAM}/channels/${CHANNEL}/messages/${posted.id}`);
    expect(posted).toMatchObject({ kind: 'channel', teamId: TEAM, channelId: CHANNEL });
    expect(posted.message).toEqual({ body: { contentType: 'html', content: 'Ada signed up &lt;trial&gt;<br>Plan: Pro &amp; more' } });
    expect(fake.requests[0].headers.authorization).toBe(`Bearer ${GRAPH_FAKE_ACCESS_TOKEN}`);
    expect(fake.requests[0].path).toBe(`/v1.0/teams/${TEAM}/channels/${encodeURIComponent(CHANNEL)}/messages`);
  });

  it('posts to a chat', async () => {
    const result = await teamsPlugin.send(context(), { to: CHAT, text: 'Hi Ada' });
    expect(result.providerMessageId).toBe(`chats/${CHAT}/messages/${fake.messages[0].id}`);
    expect(fake.messages[0]).toMatchObject({ kind: 'chat', chatId: CHAT });
  });

  it('gets a token with the client-credentials grant once and reuses it', async () => {
    const values = clientCredentials('api://itinera-cache-test/.default');
    await teamsPlugin.send(context(values), message);
    await teamsPlugin.send(context(values), { to: CHAT, text: 'again' });
    const tokenRequests = fake.requests.filter((r) => r.path.endsWith('/oauth2/v2.0/token'));
    expect(tokenRequests).toHaveLength(1);
    expect(tokenRequests[0].body).toMatchObject({
      grant_type: 'client_credentials',
      client_id: GRAPH_FAKE_CLIENT_ID,
      client_secret: GRAPH_FAKE_CLIENT_SECRET,
      scope: 'api://itinera-cache-test/.default',
    });
    expect(fake.messages).toHaveLength(2);
  });

  it('makes one request per send and passes Retry-After on', async () => {
    fake.failNext({ status: 429, retryAfterSeconds: 4 });
    const error = await teamsPlugin.send(context(), message).catch((e: unknown) => e);
    expect(isPluginError(error) && error.toJSON()).toMatchObject({
      retryable: true,
      code: 'rate_limited',
      retryAfterMs: 4000,
      providerStatus: 429,
    });
    fake.failNext({ status: 503 });
    await teamsPlugin.send(context(), message).catch(() => undefined);
    expect(fake.requests).toHaveLength(2);
  });

  it('gives up with a retryable error when Graph stalls past the deadline', async () => {
    fake.failNext({ timeout: true });
    const started = Date.now();
    const error = await teamsPlugin.send(context(config(), { timeoutMs: 300 }), message).catch((e: unknown) => e);
    expect(isPluginError(error) && error.retryable).toBe(true);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('refuses a message without a usable address', async () => {
    const error = await teamsPlugin.send(context(), { to: '', text: 'x' }).catch((e: unknown) => e);
    expect(isPluginError(error) && error.toJSON()).toMatchObject({ retryable: false, code: 'invalid_request' });
  });

  it('checkConfig reads the organisation and reports rejected credentials', async () => {
    await expect(teamsPlugin.checkConfig!(context())).resolves.toMatchObject({
      ok: true,
      message: 'Connected to Microsoft Graph for Itinera fake tenant',
    });
    await expect(teamsPlugin.checkConfig!(context({ ...config(), accessToken: 'nope' }))).resolves.toMatchObject({
      ok: false,
      message: expect.stringContaining('Microsoft rejected the credentials'),
    });
  });

  it('needs an access token or client credentials, and an https Graph URL', () => {
    expect(() => context({ graphBaseUrl: fake.url })).toThrow(/Invalid configuration/);
    expect(() => context({ ...config(), graphBaseUrl: 'http://graph.example' })).toThrow(/Invalid configuration/);
    expect(() => context({ clientId: 'c', clientSecret: 's', tenantId: 'contoso.onmicrosoft.com' })).not.toThrow();
  });
});
