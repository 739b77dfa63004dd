import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createTestContext,
  type InboundRequest,
  isPluginError,
  runConformanceSuite,
  type SmsMessage,
  type TestContextOverrides,
} from '@itinera/plugin-sdk';
import {
  startTwilioFake,
  type TwilioFake,
  TWILIO_FAKE_ACCOUNT_SID,
  TWILIO_FAKE_AUTH_TOKEN,
  twilioSignature,
} from '../../../tools/fakes/twilio.js';
import twilioPlugin, { manifest, type TwilioConfig, type TwilioSecrets } from './index.js';

let fake: TwilioFake;

beforeAll(async () => {
  fake = await startTwilioFake();
});
afterEach(() => fake.reset());
afterAll(() => fake.close());

const WEBHOOK_URL = 'https://itinera.example/webhooks/providers/prv_123?ws=acme';
const config = () => ({
  accountSid: TWILIO_FAKE_ACCOUNT_SID,
  authToken: TWILIO_FAKE_AUTH_TOKEN,
  from: '+15005550001',
  statusCallbackUrl: WEBHOOK_URL,
  apiBaseUrl: fake.url,
});
const message: SmsMessage = { to: '+15005550006', body: 'Your trial ends tomorrow. Reply STOP to opt out.' };

/** A status callback as Twilio would post it to the core, signed with the auth token. */
function statusCallback(fields: Record<string, string>, token = TWILIO_FAKE_AUTH_TOKEN, url = WEBHOOK_URL): InboundRequest {
  const params = { AccountSid: TWILIO_FAKE_ACCOUNT_SID, ApiVersion: '2010-04-01', From: '+15005550001', To: '+15005550006', ...fields };
  return {
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(token, url, params) },
    rawBody: new URLSearchParams(params).toString(),
    body: params,
  };
}

runConformanceSuite(twilioPlugin, {
  config,
  input: message,
  failures: [
    { name: 'HTTP 429 (Twilio 20429)', arrange: () => fake.failNext({ status: 429 }), retryable: true, code: 'rate_limited' },
    { name: 'HTTP 500', arrange: () => fake.failNext({ status: 500 }), retryable: true },
    { name: 'wrong auth token (401, Twilio 20003)', config: () => ({ ...config(), authToken: 'wrong' }), retryable: false, code: 'auth' },
    { name: 'invalid number (Twilio 21211)', input: { ...message, to: '+12' }, retryable: false, code: 'invalid_recipient' },
    {
      name: 'recipient replied STOP (Twilio 21610)',
      arrange: () =>
        fake.replyNext({ status: 400, body: { code: 21610, message: 'Attempt to send to unsubscribed recipient', status: 400 } }),
      retryable: false,
      code: 'unsubscribed',
    },
    { name: 'nothing listening', config: () => ({ ...config(), apiBaseUrl: 'http://127.0.0.1:9' }), retryable: true, code: 'network' },
  ],
  deliveryWebhook: () => ({ request: statusCallback({ MessageSid: 'SM0123', MessageStatus: 'delivered' }), events: 1 }),
});

const context = (values: Record<string, unknown> = config(), overrides: TestContextOverrides<TwilioConfig, TwilioSecrets> = {}) =>
  createTestContext<TwilioConfig, TwilioSecrets>({ manifest, values, ...overrides });

describe('Twilio SMS channel', () => {
  it('creates the message through the twilio SDK; the message SID is the provider id', async () => {
    const result = await twilioPlugin.send(context(), message);
    expect(result.providerMessageId).toMatch(/^SM[0-9a-f]{32}$/);
    expect(result.providerMessageId).toBe(fake.messages[0].sid);
    expect(fake.requests[0]).toMatchObject({
      method: 'POST',
      path: `/2010-04-01/Accounts/${TWILIO_FAKE_ACCOUNT_SID}/Messages.json`,
      body: { To: message.to, From: '+15005550001', Body: message.body, StatusCallback: WEBHOOK_URL },
    });
    const auth = Buffer.from(String(fake.requests[0].headers.authorization).slice(6), 'base64').toString();
    expect(auth).toBe(`${TWILIO_FAKE_ACCOUNT_SID}:${TWILIO_FAKE_AUTH_TOKEN}`);
  });

  it('sends through a Messaging Service when one is configured, unless the message names a sender', async () => {
    const service = { ...config(), messagingServiceSid: `MG${'a'.repeat(32)}` };
    await twilioPlugin.send(context(service), message);
    expect(fake.requests[0].body).toMatchObject({ MessagingServiceSid: service.messagingServiceSid });
    expect(fake.requests[0].body).not.toHaveProperty('From');
    await twilioPlugin.send(context(service), { ...message, from: 'ACME' });
    expect(fake.requests[1].body).toMatchObject({ From: 'ACME' });
  });

  it('passes the Retry-After delay of a 429 on', async () => {
    fake.failNext({ status: 429, retryAfterSeconds: 7 });
    const error = await twilioPlugin.send(context(), message).catch((e: unknown) => e);
    expect(isPluginError(error) && error.toJSON()).toMatchObject({
      retryable: true,
      code: 'rate_limited',
      retryAfterMs: 7000,
      providerStatus: 429,
    });
  });

  it('gives up with a retryable error when Twilio does not answer before the deadline', async () => {
    fake.failNext({ timeout: true });
    const started = Date.now();
    const error = await twilioPlugin.send(context(config(), { timeoutMs: 300 }), message).catch((e: unknown) => e);
    expect(isPluginError(error) && error.retryable).toBe(true);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('maps status callbacks to delivery events', async () => {
    const ctx = context();
    const parse = async (fields: Record<string, string>) => twilioPlugin.parseDeliveryEvent!(ctx, statusCallback(fields));
    expect(await parse({ MessageSid: 'SM1', MessageStatus: 'sent' })).toMatchObject([
      { providerMessageId: 'SM1', status: 'sent', recipient: '+15005550006' },
    ]);
    expect(await parse({ MessageSid: 'SM1', MessageStatus: 'delivered' })).toMatchObject([{ status: 'delivered' }]);
    expect(await parse({ MessageSid: 'SM1', MessageStatus: 'undelivered', ErrorCode: '30003' })).toMatchObject([
      { status: 'bounced', reason: 'Twilio error 30003' },
    ]);
    expect(await parse({ MessageSid: 'SM1', MessageStatus: 'failed', ErrorCode: '30008' })).toMatchObject([{ status: 'failed' }]);
    expect(await parse({ MessageSid: 'SM1', MessageStatus: 'read' })).toMatchObject([{ status: 'opened' }]);
    expect(await parse({ MessageSid: 'SM1', MessageStatus: 'queued' })).toEqual([]);
    expect(await parse({ MessageStatus: 'delivered' })).toEqual([]);
  });

  it('verifies the signature of a status callback Twilio (here the fake) really posted', async () => {
    const received: InboundRequest[] = [];
    const receiver = createServer((req: IncomingMessage, res) => {
      let rawBody = '';
      req.on('data', (chunk) => (rawBody += chunk));
      req.on('end', () => {
        received.push({
          method: req.method!,
          url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}${req.url}`,
          headers: req.headers,
          rawBody,
          body: Object.fromEntries(new URLSearchParams(rawBody)),
        });
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/twilio?provider=prv_1`;
      const ctx = context({ ...config(), statusCallbackUrl: callbackUrl });
      const { providerMessageId } = await twilioPlugin.send(ctx, message);
      await fake.sendStatusCallback(providerMessageId, 'undelivered', { ErrorCode: '30005' });
      const [request] = received;
      await expect(twilioPlugin.verifySignature!(ctx, request)).resolves.toBe(true);
      await expect(twilioPlugin.parseDeliveryEvent!(ctx, request)).resolves.toMatchObject([
        { providerMessageId, status: 'bounced', reason: 'Twilio error 30005' },
      ]);
      const tampered = { ...request, body: { ...(request.body as object), MessageStatus: 'delivered' } };
      await expect(twilioPlugin.verifySignature!(ctx, tampered)).resolves.toBe(false);
      await expect(twilioPlugin.verifySignature!(context({ ...config(), authToken: 'other' }), request)).resolves.toBe(false);
      await expect(twilioPlugin.verifySignature!(ctx, { ...request, headers: {} })).resolves.toBe(false);
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });

  it('checkConfig fetches the account and reports a wrong token', async () => {
    await expect(twilioPlugin.checkConfig!(context())).resolves.toMatchObject({
      ok: true,
      message: expect.stringContaining('Itinera fake account'),
    });
    expect(fake.requests[0]).toMatchObject({ method: 'GET', path: `/2010-04-01/Accounts/${TWILIO_FAKE_ACCOUNT_SID}.json` });
    await expect(twilioPlugin.checkConfig!(context({ ...config(), authToken: 'wrong' }))).resolves.toMatchObject({
      ok: false,
      message: 'Twilio rejected the Account SID or auth token',
    });
  });

  it('refuses a configuration without a sender or with a malformed Account SID', () => {
    const { from: _from, ...noSender } = config();
    expect(() => context(noSender)).toThrow(/Invalid configuration/);
    expect(() => context({ ...config(), accountSid: 'SK123' })).toThrow(/Invalid configuration/);
  });
});
