import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { startTwilioFake, type TwilioFake, TWILIO_FAKE_ACCOUNT_SID, TWILIO_FAKE_AUTH_TOKEN } from './twilio.js';

/** The twilio SDK has no base URL option; this request client sends every call to the fake instead. */
class FakeRequestClient extends twilio.RequestClient {
  constructor(
    private readonly base: string,
    options?: { timeout?: number },
  ) {
    super(options);
  }
  override request<T>(opts: twilio.RequestClient['request'] extends (o: infer O) => unknown ? O : never) {
    const target = new URL(opts.uri);
    const base = new URL(this.base);
    target.protocol = base.protocol;
    target.host = base.host;
    return super.request<T>({ ...opts, uri: target.href } as never);
  }
}

describe('Twilio fake', () => {
  let fake: TwilioFake;
  const client = (token = TWILIO_FAKE_AUTH_TOKEN) =>
    twilio(TWILIO_FAKE_ACCOUNT_SID, token, { httpClient: new FakeRequestClient(fake.url) });

  beforeAll(async () => {
    fake = await startTwilioFake();
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  it('creates a message through the SDK and records the form body', async () => {
    const message = await client().messages.create({ to: '+15005550006', from: '+15005550001', body: 'Hi' });
    expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(message.status).toBe('queued');
    expect(fake.requests[0]).toMatchObject({
      method: 'POST',
      path: `/2010-04-01/Accounts/${TWILIO_FAKE_ACCOUNT_SID}/Messages.json`,
      body: { To: '+15005550006', From: '+15005550001', Body: 'Hi' },
    });
    expect(fake.messages).toHaveLength(1);
  });

  it('fetches the account and rejects a wrong auth token', async () => {
    const account = await client().api.v2010.accounts(TWILIO_FAKE_ACCOUNT_SID).fetch();
    expect(account.status).toBe('active');
    await expect(client('wrong').api.v2010.accounts(TWILIO_FAKE_ACCOUNT_SID).fetch()).rejects.toMatchObject({
      status: 401,
      code: 20003,
    });
  });

  it('validates numbers and answers with failures it is told to', async () => {
    await expect(client().messages.create({ to: '12', from: '+15005550001', body: 'x' })).rejects.toMatchObject({
      status: 400,
      code: 21211,
    });
    fake.failNext({ status: 429, retryAfterSeconds: 7 });
    await expect(client().messages.create({ to: '+15005550006', from: '+15005550001', body: 'x' })).rejects.toMatchObject({
      status: 429,
      code: 20429,
    });
    fake.failNext({ status: 500 });
    await expect(client().messages.create({ to: '+15005550006', from: '+15005550001', body: 'x' })).rejects.toMatchObject({
      status: 500,
    });
    fake.replyNext({ status: 400, body: { code: 21610, message: 'Attempt to send to unsubscribed recipient', status: 400 } });
    await expect(client().messages.create({ to: '+15005550006', from: '+15005550001', body: 'x' })).rejects.toMatchObject({
      code: 21610,
    });
  });

  it('sends status callbacks that the SDK validates', async () => {
    const received: { signature: string; params: Record<string, string> }[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ signature: String(req.headers['x-twilio-signature']), params: Object.fromEntries(new URLSearchParams(body)) });
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/twilio?ws=1`;
    try {
      const message = await client().messages.create({ to: '+15005550006', from: '+15005550001', body: 'x', statusCallback: callbackUrl });
      await fake.sendStatusCallback(message.sid, 'delivered');
      expect(received).toHaveLength(1);
      expect(received[0].params).toMatchObject({ MessageSid: message.sid, MessageStatus: 'delivered' });
      expect(twilio.validateRequest(TWILIO_FAKE_AUTH_TOKEN, received[0].signature, callbackUrl, received[0].params)).toBe(true);
      expect(twilio.validateRequest('other-token', received[0].signature, callbackUrl, received[0].params)).toBe(false);
    } finally {
      await new Promise((r) => receiver.close(r));
    }
  });

  it('hangs on timeout until closed', async () => {
    fake.failNext({ timeout: true });
    const hung = twilio(TWILIO_FAKE_ACCOUNT_SID, TWILIO_FAKE_AUTH_TOKEN, {
      httpClient: new FakeRequestClient(fake.url, { timeout: 300 }),
    }).messages.create({ to: '+15005550006', from: '+15005550001', body: 'x' });
    await expect(hung).rejects.toThrow(/timeout/i);
  });
});
