import { type ChatMessage, createTestContext, isPluginError, runConformanceSuite, type TestContextOverrides } from '@itinera/plugin-sdk';
import { SLACK_FAKE_TOKEN, type SlackFake, startSlackFake } from '../../../tools/fakes/slack.js';
import slackPlugin, { manifest, type SlackConfig, type SlackSecrets } from './index.js';

let fake: SlackFake;

beforeAll(async () => {
  fake = await startSlackFake({ channels: ['C0ONBOARD', 'U0ADA'] });
});
afterEach(() => fake.reset());
afterAll(() => fake.close());

const config = () => ({ botToken: SLACK_FAKE_TOKEN, apiUrl: fake.apiUrl });
const message: ChatMessage = { to: 'C0ONBOARD', text: 'Ada activated the API', markdown: '**Ada** activated the _API_' };

runConformanceSuite(slackPlugin, {
  config,
  input: message,
  failures: [
    {
      name: 'ratelimited (HTTP 429)',
      arrange: () => fake.failNext({ status: 429, retryAfterSeconds: 30 }),
      retryable: true,
      code: 'rate_limited',
    },
    { name: 'HTTP 500', arrange: () => fake.failNext({ status: 500 }), retryable: true },
    { name: 'HTTP 503', arrange: () => fake.failNext({ status: 503 }), retryable: true },
    { name: 'invalid_auth', config: () => ({ ...config(), botToken: 'xoxb-revoked' }), retryable: false, code: 'auth' },
    { name: 'channel_not_found', input: { ...message, to: 'C0UNKNOWN' }, retryable: false, code: 'invalid_recipient' },
    { name: 'is_archived', arrange: () => fake.platformErrorNext('is_archived'), retryable: false, code: 'invalid_recipient' },
    { name: 'internal_error', arrange: () => fake.platformErrorNext('internal_error'), retryable: true },
    { name: 'nothing listening', config: () => ({ ...config(), apiUrl: 'http://127.0.0.1:9/api/' }), retryable: true, code: 'network' },
  ],
});

const context = (values: Record<string, unknown> = config(), overrides: TestContextOverrides<SlackConfig, SlackSecrets> = {}) =>
  createTestContext<SlackConfig, SlackSecrets>({ manifest, values, ...overrides });

describe('Slack channel', () => {
  it('posts through chat.postMessage with a markdown block and the text fallback', async () => {
    const result = await slackPlugin.send(context(), message);
    const [posted] = fake.messages;
    expect(result.providerMessageId).toBe(`C0ONBOARD:${posted.ts}`);
    expect(posted).toMatchObject({ channel: 'C0ONBOARD', text: message.text, blocks: [{ type: 'markdown', text: message.markdown }] });
    expect(posted.args).toMatchObject({ unfurl_links: 'false' });
    expect(fake.requests[0].headers.authorization).toBe(`Bearer ${SLACK_FAKE_TOKEN}`);
  });

  it('sends plain text without blocks, with the configured name and icon', async () => {
    await slackPlugin.send(context({ ...config(), username: 'Acme', iconEmoji: ':wave:' }), { to: 'U0ADA', text: 'Hi Ada' });
    expect(fake.messages[0]).toMatchObject({ channel: 'U0ADA', text: 'Hi Ada', blocks: undefined });
    expect(fake.messages[0].args).toMatchObject({ username: 'Acme', icon_emoji: ':wave:' });
  });

  it('makes exactly one request per send: no retries inside the plugin', async () => {
    fake.failNext({ status: 429, retryAfterSeconds: 12 });
    const error = await slackPlugin.send(context(), message).catch((e: unknown) => e);
    expect(isPluginError(error) && error.toJSON()).toMatchObject({ retryable: true, code: 'rate_limited', retryAfterMs: 12_000 });
    fake.failNext({ status: 500 });
    await slackPlugin.send(context(), message).catch(() => undefined);
    expect(fake.requests).toHaveLength(2);
  });

  it('refuses a Teams-style address', async () => {
    const error = await slackPlugin.send(context(), { to: { teamId: 't', channelId: 'c' }, text: 'x' }).catch((e: unknown) => e);
    expect(isPluginError(error) && error.toJSON()).toMatchObject({ retryable: false, code: 'invalid_request' });
    expect(fake.requests).toHaveLength(0);
  });

  it('gives up with a retryable error when Slack stalls past the deadline', async () => {
    fake.failNext({ timeout: true });
    const started = Date.now();
    const error = await slackPlugin.send(context(config(), { timeoutMs: 300 }), message).catch((e: unknown) => e);
    expect(isPluginError(error) && error.retryable).toBe(true);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('stops when the core aborts the call', async () => {
    fake.failNext({ timeout: true });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('shutting down')), 100);
    const error = await slackPlugin.send(context(config(), { signal: controller.signal }), message).catch((e: unknown) => e);
    expect(isPluginError(error) && error.toJSON()).toMatchObject({ retryable: true, code: 'aborted' });
  });

  it('checkConfig calls auth.test and reports a bad token', async () => {
    await expect(slackPlugin.checkConfig!(context())).resolves.toMatchObject({
      ok: true,
      message: 'Connected to the Slack workspace Itinera fake workspace as itinera',
    });
    expect(fake.requests[0].path).toBe('/api/auth.test');
    await expect(slackPlugin.checkConfig!(context({ ...config(), botToken: 'xoxb-wrong' }))).resolves.toMatchObject({
      ok: false,
      message: expect.stringContaining('Slack rejected the bot token'),
    });
  });
});
