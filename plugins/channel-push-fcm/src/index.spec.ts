import { createTestContext, isPluginError, type PushMessage, runConformanceSuite, type TestContextOverrides } from '@itinera/plugin-sdk';
import { FCM_FAKE_ACCESS_TOKEN, FCM_FAKE_PROJECT_ID, type FcmFake, startFcmFake } from '../../../tools/fakes/fcm.js';
import fcmPlugin, { type FcmConfig, type FcmSecrets, manifest } from './index.js';

let fake: FcmFake;

beforeAll(async () => {
  fake = await startFcmFake({ unregisteredTokens: ['gone-device-token-1', 'gone-device-token-2'] });
});
afterEach(() => fake.reset());
afterAll(() => fake.close());

const config = () => ({ projectId: FCM_FAKE_PROJECT_ID, accessToken: FCM_FAKE_ACCESS_TOKEN, endpoint: fake.url });
const message: PushMessage = {
  tokens: ['device-token-ada-phone'],
  title: 'Your export is ready',
  body: 'Tap to download it',
  data: { runId: 'run_1', deepLink: 'acme://exports/42' },
};

runConformanceSuite(fcmPlugin, {
  config,
  input: message,
  failures: [
    {
      name: 'HTTP 429 QUOTA_EXCEEDED',
      arrange: () => fake.failNext({ status: 429, retryAfterSeconds: 5 }),
      retryable: true,
      code: 'rate_limited',
    },
    { name: 'HTTP 500 INTERNAL', arrange: () => fake.failNext({ status: 500 }), retryable: true },
    { name: 'wrong access token (401)', config: () => ({ ...config(), accessToken: 'expired' }), retryable: false, code: 'auth' },
    { name: 'sender id mismatch (403)', arrange: () => fake.failNext({ status: 403 }), retryable: false, code: 'auth' },
    { name: 'every token unregistered', input: { ...message, tokens: ['gone-device-token-1'] }, retryable: false, code: 'unregistered' },
    { name: 'malformed token', input: { ...message, tokens: ['bad'] }, retryable: false, code: 'unregistered' },
    { name: 'no tokens', input: { ...message, tokens: [] }, retryable: false, code: 'invalid_request' },
    { name: 'nothing listening', config: () => ({ ...config(), endpoint: 'http://127.0.0.1:9' }), retryable: true, code: 'network' },
  ],
});

const context = (values: Record<string, unknown> = config(), overrides: TestContextOverrides<FcmConfig, FcmSecrets> = {}) =>
  createTestContext<FcmConfig, FcmSecrets>({ manifest, values, ...overrides });

describe('FCM push channel', () => {
  it('sends one FCM v1 message per token through sendEach and reports unregistered tokens', async () => {
    const tokens = ['device-token-ada-phone', 'gone-device-token-1', 'device-token-ada-tablet'];
    const result = await fcmPlugin.send(context({ ...config(), ttlSeconds: 3600 }), { ...message, tokens });
    expect(result.providerMessageId).toMatch(/^projects\/itinera-fake-project\/messages\//);
    expect(result.unregisteredTokens).toEqual(['gone-device-token-1']);
    expect(result.raw).toMatchObject({ successCount: 2, failureCount: 1 });
    expect(fake.messages.map((m) => m.message.token).sort()).toEqual(['device-token-ada-phone', 'device-token-ada-tablet']);
    expect(fake.messages[0].message).toMatchObject({
      notification: { title: message.title, body: message.body },
      data: message.data,
      android: { priority: 'high', ttl: '3600s' },
    });
    expect(fake.requests[0].headers.authorization).toBe(`Bearer ${FCM_FAKE_ACCESS_TOKEN}`);
  });

  it('fails permanently when every token is unregistered, naming them for the core to drop', async () => {
    const tokens = ['gone-device-token-1', 'gone-device-token-2'];
    const error = await fcmPlugin.send(context(), { ...message, tokens }).catch((e: unknown) => e);
    expect(isPluginError(error) && error.toJSON()).toMatchObject({
      retryable: false,
      code: 'unregistered',
      details: { unregisteredTokens: tokens },
    });
  });

  it('is retryable when no token got through but some failed for a transient reason', async () => {
    fake.failNext({ status: 429, retryAfterSeconds: 8 });
    const error = await fcmPlugin
      .send(context(), { ...message, tokens: ['device-token-1', 'gone-device-token-1'] })
      .catch((e: unknown) => e);
    expect(isPluginError(error) && error.toJSON()).toMatchObject({
      retryable: true,
      code: 'rate_limited',
      retryAfterMs: 8000,
      details: { unregisteredTokens: ['gone-device-token-1'] },
    });
  });

  it('sends each token once even when the message lists it twice', async () => {
    await fcmPlugin.send(context(), { ...message, tokens: ['device-token-1', 'device-token-1'] });
    expect(fake.messages).toHaveLength(1);
  });

  it('gives up with a retryable error when FCM stalls past the deadline', async () => {
    // A fake of its own: firebase-admin cannot abort the stalled request, which ends only when the fake closes.
    const stalled = await startFcmFake();
    try {
      stalled.failNext({ timeout: true });
      const started = Date.now();
      const error = await fcmPlugin
        .send(context({ ...config(), endpoint: stalled.url }, { timeoutMs: 300 }), message)
        .catch((e: unknown) => e);
      expect(isPluginError(error) && error.toJSON()).toMatchObject({ retryable: true, code: 'timeout' });
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await stalled.close();
      // Let firebase-admin see the connection close and settle its request before the test ends.
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  it('checkConfig sends a dry run and reports rejected credentials', async () => {
    await expect(fcmPlugin.checkConfig!(context())).resolves.toMatchObject({ ok: true });
    expect(fake.messages[0]).toMatchObject({ validateOnly: true, message: { topic: 'itinera-config-check' } });
    await expect(fcmPlugin.checkConfig!(context({ ...config(), accessToken: 'revoked' }))).resolves.toMatchObject({
      ok: false,
      message: expect.stringContaining('rejected the credentials'),
    });
  });

  it('refuses a service account key that is not JSON, and a configuration without credentials', async () => {
    const { accessToken: _token, ...withoutToken } = config();
    const error = await fcmPlugin.send(context({ ...withoutToken, serviceAccountJson: '{nope' }), message).catch((e: unknown) => e);
    expect(isPluginError(error) && error.toJSON()).toMatchObject({ retryable: false, code: 'invalid_config' });
    expect(() => context(withoutToken)).toThrow(/Invalid configuration/);
  });
});
