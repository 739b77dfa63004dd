import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createTestContext, isPluginError, type PluginError, runConformanceSuite, type WebhookMessage } from '@itinera/plugin-sdk';
import { Webhook } from 'standardwebhooks';
import plugin, { signWebhook, type WebhookConfig, webhookId, type WebhookSecrets } from './index.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  verified: unknown;
}

/** A receiving endpoint that verifies signatures with the official standardwebhooks package. */
class Receiver {
  readonly received: Received[] = [];
  private readonly replies: Array<{ status: number; headers?: Record<string, string>; hang?: boolean }> = [];
  private readonly sockets = new Set<Socket>();
  private server?: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  replyNext(status: number, headers?: Record<string, string>): void {
    this.replies.push({ status, headers });
  }

  hangNext(): void {
    this.replies.push({ status: 0, hang: true });
  }

  reset(): void {
    this.received.length = 0;
    this.replies.length = 0;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    let verified: unknown;
    try {
      verified = new Webhook(SECRET).verify(body, req.headers as Record<string, string>);
    } catch (error) {
      verified = error;
    }
    this.received.push({ method: req.method!, url: req.url!, headers: req.headers, body, verified });
    const reply = this.replies.shift() ?? { status: 204 };
    if (reply.hang) return;
    res.writeHead(reply.status, reply.headers);
    res.end(reply.status === 204 ? undefined : '{"ok":true}');
  }
}

const receiver = new Receiver();
beforeAll(() => receiver.start());
afterAll(() => receiver.close());
beforeEach(() => receiver.reset());

const config = () => ({ signingSecret: SECRET, allowHosts: ['127.0.0.1'], timeoutMs: 2000 });
const message = (): WebhookMessage => ({ url: `${receiver.url}/hooks/itinera`, body: { type: 'journey.step', data: { userId: 'u1' } } });
const context = (values: Record<string, unknown> = config(), idempotencyKey?: string) =>
  createTestContext<WebhookConfig, WebhookSecrets>({ manifest: plugin.manifest, values, idempotencyKey });

async function failure(promise: Promise<unknown>): Promise<PluginError> {
  try {
    await promise;
  } catch (error) {
    if (isPluginError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

runConformanceSuite(plugin, {
  config,
  input: message,
  nodeParameters: { url: 'https://crm.example/hooks/{{ profile.userId }}', body: { plan: 'pro' } },
  failures: [
    { name: 'HTTP 500', arrange: () => receiver.replyNext(500), retryable: true, code: 'provider_error' },
    { name: 'HTTP 429', arrange: () => receiver.replyNext(429, { 'retry-after': '2' }), retryable: true, code: 'rate_limited' },
    { name: 'HTTP 400', arrange: () => receiver.replyNext(400), retryable: false, code: 'invalid_request' },
    { name: 'HTTP 410 Gone', arrange: () => receiver.replyNext(410), retryable: false },
    {
      name: 'no answer before the timeout',
      arrange: () => receiver.hangNext(),
      config: () => ({ ...config(), timeoutMs: 300 }),
      retryable: true,
      code: 'timeout',
    },
    {
      name: 'a loopback URL that is not allow-listed',
      config: () => ({ signingSecret: SECRET }),
      retryable: false,
      code: 'blocked_address',
    },
  ],
});

describe('channel-webhook', () => {
  it('signs like the Standard Webhooks test vector', () => {
    const headers = signWebhook(SECRET, 'msg_p5jXN8AQM9LWM0D4loKWxJek', '{"test": 2432232314}', new Date(1614265330 * 1000));
    expect(headers).toEqual({
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });

  it('POSTs JSON whose signature the official library verifies', async () => {
    const result = await plugin.send(context(config(), 'run-1:step-2'), message());
    expect(result).toMatchObject({ providerMessageId: webhookId('run-1:step-2'), accepted: true });
    const [request] = receiver.received;
    expect(request!.method).toBe('POST');
    expect(request!.url).toBe('/hooks/itinera');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['webhook-id']).toBe(result.providerMessageId);
    expect(Math.abs(Number(request!.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(5);
    expect(request!.verified).toEqual({ type: 'journey.step', data: { userId: 'u1' } });
  });

  it('keeps the webhook-id across retries of one send, so receivers can deduplicate', async () => {
    await plugin.send(context(config(), 'run-9:step-1'), message());
    await plugin.send(context(config(), 'run-9:step-1'), message());
    await plugin.send(context(config(), 'run-9:step-2'), message());
    const ids = receiver.received.map((r) => r.headers['webhook-id']);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).not.toBe(ids[0]);
  });

  it('sends custom headers and the Authorization secret but never lets them replace the signature', async () => {
    await plugin.send(context({ ...config(), authorization: 'Bearer internal-token' }), {
      ...message(),
      method: 'PUT',
      headers: { 'X-Tenant': 'acme', 'Webhook-Signature': 'v1,forged' },
    });
    const [request] = receiver.received;
    expect(request!.method).toBe('PUT');
    expect(request!.headers['x-tenant']).toBe('acme');
    expect(request!.headers.authorization).toBe('Bearer internal-token');
    expect(request!.verified).not.toBeInstanceOf(Error);
  });

  it('sends a string body as it is', async () => {
    await plugin.send(context(), { url: `${receiver.url}/raw`, body: '{"already":"json"}' });
    expect(receiver.received[0]!.body).toBe('{"already":"json"}');
    expect(receiver.received[0]!.verified).toEqual({ already: 'json' });
  });

  it('does not follow redirects', async () => {
    receiver.replyNext(307, { location: 'http://127.0.0.1:1/elsewhere' });
    const error = await failure(plugin.send(context(), message()));
    expect(error).toMatchObject({ retryable: false, providerStatus: 307 });
    expect(receiver.received).toHaveLength(1);
  });

  it('refuses private, link-local and metadata addresses unless allow-listed', async () => {
    const values = { signingSecret: SECRET };
    for (const url of ['http://169.254.169.254/latest/meta-data', 'http://10.0.0.5/hook', 'http://[::1]:8080/hook']) {
      const error = await failure(plugin.send(context(values), { url, body: {} }));
      expect(error).toMatchObject({ retryable: false, code: 'blocked_address' });
    }
    await expect(plugin.send(context({ ...values, allowCidrs: ['127.0.0.0/8'] }), message())).resolves.toMatchObject({ accepted: true });
  });

  it('passes Retry-After on and treats a dropped connection as retryable', async () => {
    receiver.replyNext(429, { 'retry-after': '30' });
    expect(await failure(plugin.send(context(), message()))).toMatchObject({ code: 'rate_limited', retryAfterMs: 30_000 });
    const unreachable = await failure(
      plugin.send(context({ ...config(), allowHosts: ['127.0.0.1'] }), { url: 'http://127.0.0.1:1/', body: {} }),
    );
    expect(unreachable).toMatchObject({ retryable: true, code: 'network' });
  });

  it('checks the signing secret', async () => {
    await expect(plugin.checkConfig!(context())).resolves.toMatchObject({ ok: true });
  });

  it('rejects a configuration without a whsec_ secret', () => {
    expect(() => context({ signingSecret: 'plain-secret' })).toThrow(/signingSecret/);
  });
});
