import { type App, deleteApp, initializeApp } from 'firebase-admin/app';
import { getMessaging, type Messaging } from 'firebase-admin/messaging';
import { FCM_FAKE_ACCESS_TOKEN, FCM_FAKE_PROJECT_ID, type FcmFake, startFcmFake } from './fcm.js';

describe('FCM fake', () => {
  let fake: FcmFake;
  let app: App;
  let messaging: Messaging;

  beforeAll(async () => {
    fake = await startFcmFake({ unregisteredTokens: ['gone-token-0001'] });
    app = initializeApp(
      {
        projectId: FCM_FAKE_PROJECT_ID,
        credential: { getAccessToken: async () => ({ access_token: FCM_FAKE_ACCESS_TOKEN, expires_in: 3600 }) },
        httpAgent: fake.agent(),
      },
      'fcm-fake-spec',
    );
    messaging = getMessaging(app);
    messaging.enableLegacyHttpTransport();
  });
  afterEach(() => fake.reset());
  afterAll(async () => {
    await deleteApp(app);
    await fake.close();
  });

  it('receives sendEach over HTTP/1.1 with per-token results', async () => {
    const result = await messaging.sendEach([
      { token: 'device-token-0001', notification: { title: 'Hi', body: 'There' }, data: { runId: 'r1' } },
      { token: 'gone-token-0001', notification: { title: 'Hi' } },
      { token: 'bad' },
    ]);
    expect(result.successCount).toBe(1);
    expect(result.responses[0]).toMatchObject({
      success: true,
      messageId: expect.stringMatching(/^projects\/itinera-fake-project\/messages\//),
    });
    expect(result.responses[1].error?.code).toBe('messaging/registration-token-not-registered');
    expect(result.responses[2].error?.code).toBe('messaging/invalid-argument');
    expect(fake.messages).toHaveLength(1);
    expect(fake.messages[0].message).toMatchObject({
      token: 'device-token-0001',
      notification: { title: 'Hi', body: 'There' },
      data: { runId: 'r1' },
    });
    expect(fake.requests[0].headers.authorization).toBe(`Bearer ${FCM_FAKE_ACCESS_TOKEN}`);
  });

  it('answers failures in FCM format', async () => {
    fake.failNext({ status: 429, retryAfterSeconds: 4 });
    fake.failNext({ status: 500 });
    fake.unregister('device-token-0002');
    const result = await messaging.sendEach([
      { token: 'device-token-0001' },
      { token: 'device-token-0001' },
      { token: 'device-token-0002' },
    ]);
    const codes = result.responses.map((r) => r.error?.code).sort();
    expect(codes).toEqual(['messaging/internal-error', 'messaging/message-rate-exceeded', 'messaging/registration-token-not-registered']);
    const limited = result.responses.find((r) => r.error?.code === 'messaging/message-rate-exceeded');
    expect((limited?.error as unknown as { httpResponse: { headers: Record<string, string> } }).httpResponse.headers['retry-after']).toBe(
      '4',
    );
  });

  it('rejects a wrong access token and records dry runs', async () => {
    const other = initializeApp(
      {
        projectId: FCM_FAKE_PROJECT_ID,
        credential: { getAccessToken: async () => ({ access_token: 'wrong', expires_in: 3600 }) },
        httpAgent: fake.agent(),
      },
      'fcm-fake-spec-wrong-token',
    );
    try {
      const otherMessaging = getMessaging(other);
      otherMessaging.enableLegacyHttpTransport();
      const rejected = await otherMessaging.sendEach([{ token: 'device-token-0001' }]);
      expect(rejected.responses[0].error?.code).toBe('messaging/third-party-auth-error');
      expect((rejected.responses[0].error as unknown as { httpResponse: { status: number } }).httpResponse.status).toBe(401);
    } finally {
      await deleteApp(other);
    }
    await messaging.send({ topic: 'itinera-check' }, true);
    expect(fake.messages[0]).toMatchObject({ validateOnly: true, message: { topic: 'itinera-check' } });
  });
});
