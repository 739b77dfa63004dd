import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { createTestContext, type HostResolver, isPluginError, type PluginError, runConformanceSuite } from '@itinera/plugin-sdk';
import plugin, { createHttpDataSource, type HttpSourceConfig, type HttpSourceSecrets } from './index.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** The "remote" API the data source fetches from, on 127.0.0.1. */
class TestApi {
  readonly seen: Seen[] = [];
  readonly counters = new Map<string, number>();
  private readonly sockets = new Set<Socket>();
  private server?: Server;
  port = 0;

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  reset(): void {
    this.seen.length = 0;
    this.counters.clear();
  }

  private count(key: string): number {
    const n = (this.counters.get(key) ?? 0) + 1;
    this.counters.set(key, n);
    return n;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    this.seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
    const url = new URL(req.url!, 'http://x');
    const json = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(body));
    };
    switch (url.pathname) {
      case '/accounts/42':
        return json(200, { id: 42, score: 87, plan: 'pro' }, { 'x-request-id': 'r-1' });
      case '/echo':
        return json(200, { method: req.method, headers: req.headers, body: this.seen.at(-1)!.body });
      case '/text':
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('plain words');
        return;
      case '/status': {
        const code = Number(url.searchParams.get('code'));
        return json(
          code,
          { error: `status ${code}` },
          url.searchParams.has('retryAfter') ? { 'retry-after': url.searchParams.get('retryAfter')! } : {},
        );
      }
      case '/flaky': {
        const n = this.count(`flaky:${url.searchParams.get('key')}`);
        return n <= Number(url.searchParams.get('failures') ?? 2) ? json(503, { error: 'busy' }) : json(200, { attempt: n });
      }
      case '/rate-limited': {
        const n = this.count(`rl:${url.searchParams.get('key')}`);
        return n === 1
          ? json(429, { error: 'slow down' }, { 'retry-after': url.searchParams.get('after') ?? '1' })
          : json(200, { attempt: n });
      }
      case '/redirect':
        res.writeHead(Number(url.searchParams.get('code') ?? 302), { location: url.searchParams.get('to')! });
        res.end();
        return;
      case '/loop':
        res.writeHead(302, { location: `/loop?n=${Number(url.searchParams.get('n') ?? 0) + 1}` });
        res.end();
        return;
      case '/big':
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(2 * 1024 * 1024) });
        res.end(Buffer.alloc(2 * 1024 * 1024, 97));
        return;
      case '/big-chunked':
        res.writeHead(200, { 'content-type': 'text/plain' });
        for (let i = 0; i < 64; i++) res.write(Buffer.alloc(32 * 1024, 98));
        res.end();
        return;
      case '/gzip-bomb': {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        res.end(gzipSync(Buffer.alloc(4 * 1024 * 1024, 32)));
        return;
      }
      case '/gzip':
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        res.end(gzipSync(JSON.stringify({ compressed: true })));
        return;
      case '/hang':
        return; // never answers
      default:
        return json(404, { error: 'not found' });
    }
  }
}

const api = new TestApi();
beforeAll(() => api.start());
afterAll(() => api.close());
beforeEach(() => api.reset());

type Values = Record<string, unknown>;
const allowLoopback = (): Values => ({ allowHosts: ['127.0.0.1'], retryBaseDelayMs: 10 });
const context = (values: Values = allowLoopback(), extra: { deadline?: number } = {}) =>
  createTestContext<HttpSourceConfig, HttpSourceSecrets>({ manifest: plugin.manifest, values, ...extra });

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
  config: allowLoopback,
  input: () => ({ method: 'GET', url: `${api.origin}/accounts/42`, timeoutMs: 2000 }),
  nodeParameters: { method: 'GET', url: 'https://crm.example/accounts/{{ profile.traits.account_id }}', timeoutMs: 2000 },
  failures: [
    { name: 'HTTP 404', input: () => ({ url: `${api.origin}/missing` }), retryable: false, code: 'not_found' },
    { name: 'HTTP 503 on every attempt', input: () => ({ url: `${api.origin}/status?code=503` }), retryable: true, code: 'provider_error' },
    { name: 'a loopback address that is not allow-listed', config: {}, retryable: false, code: 'blocked_address' },
    {
      name: 'no answer before the timeout',
      input: () => ({ url: `${api.origin}/hang`, timeoutMs: 200 }),
      retryable: true,
      code: 'timeout',
    },
  ],
});

describe('datasource-http: results', () => {
  it('returns parsed JSON, lower-case headers, the final URL and the duration', async () => {
    const result = await plugin.fetch(context(), { url: `${api.origin}/accounts/42` });
    expect(result).toMatchObject({ status: 200, body: { id: 42, score: 87, plan: 'pro' }, url: `${api.origin}/accounts/42` });
    expect(result.headers['x-request-id']).toBe('r-1');
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('returns text for non-JSON answers and decompresses gzip', async () => {
    expect((await plugin.fetch(context(), { url: `${api.origin}/text` })).body).toBe('plain words');
    expect((await plugin.fetch(context(), { url: `${api.origin}/gzip` })).body).toEqual({ compressed: true });
  });

  it('sends a JSON body, the request headers and the configured secret headers', async () => {
    const values = { ...allowLoopback(), headers: { Authorization: 'Bearer crm-token' } };
    const result = await plugin.fetch(context(values), {
      method: 'POST',
      url: `${api.origin}/echo`,
      headers: { 'X-Trace': 'abc' },
      body: { userId: 'u1' },
    });
    const echoed = result.body as { method: string; headers: Record<string, string>; body: string };
    expect(echoed.method).toBe('POST');
    expect(echoed.headers['content-type']).toBe('application/json');
    expect(echoed.headers['x-trace']).toBe('abc');
    expect(echoed.headers.authorization).toBe('Bearer crm-token');
    expect(JSON.parse(echoed.body)).toEqual({ userId: 'u1' });
  });

  it('throws 4xx as permanent errors carrying the status and body', async () => {
    const error = await failure(plugin.fetch(context(), { url: `${api.origin}/status?code=422` }));
    expect(error).toMatchObject({ retryable: false, code: 'invalid_request', providerStatus: 422 });
    expect(error.details).toMatchObject({ status: 422, body: { error: 'status 422' } });
    expect(api.seen).toHaveLength(1);
  });
});

describe('datasource-http: retries and timeouts', () => {
  it('retries 503 with back-off, then succeeds', async () => {
    const result = await plugin.fetch(context(), { url: `${api.origin}/flaky?key=a&failures=2` });
    expect(result).toMatchObject({ status: 200, body: { attempt: 3 } });
    expect(api.seen).toHaveLength(3);
  });

  it('stops after maxRetries and reports a retryable error', async () => {
    const error = await failure(
      plugin.fetch(context({ ...allowLoopback(), maxRetries: 1 }), { url: `${api.origin}/flaky?key=b&failures=5` }),
    );
    expect(error).toMatchObject({ retryable: true, providerStatus: 503 });
    expect(api.seen).toHaveLength(2);
  });

  it('honours Retry-After when it fits in the budget', async () => {
    const started = Date.now();
    const result = await plugin.fetch(context(), { url: `${api.origin}/rate-limited?key=c&after=1`, timeoutMs: 5000 });
    expect(result.body).toEqual({ attempt: 2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('hands a Retry-After beyond the budget back to the core without waiting', async () => {
    const started = Date.now();
    const error = await failure(plugin.fetch(context(), { url: `${api.origin}/rate-limited?key=d&after=30`, timeoutMs: 2000 }));
    expect(error).toMatchObject({ retryable: true, code: 'rate_limited', retryAfterMs: 30_000 });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(api.seen).toHaveLength(1);
  });

  it('does not retry a POST on 500, which may have been processed', async () => {
    await failure(plugin.fetch(context(), { method: 'POST', url: `${api.origin}/status?code=500`, body: {} }));
    expect(api.seen).toHaveLength(1);
  });

  it('times out a request that never answers', async () => {
    const started = Date.now();
    const error = await failure(plugin.fetch(context(), { url: `${api.origin}/hang`, timeoutMs: 300 }));
    expect(error).toMatchObject({ retryable: true, code: 'timeout' });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('stops at the context deadline even when the node asks for longer', async () => {
    const error = await failure(
      plugin.fetch(context(allowLoopback(), { deadline: Date.now() + 300 }), { url: `${api.origin}/hang`, timeoutMs: 60_000 }),
    );
    expect(error).toMatchObject({ retryable: true, code: 'timeout' });
  });
});

describe('datasource-http: response size cap', () => {
  it.each(['/big', '/big-chunked', '/gzip-bomb'])('refuses %s beyond maxResponseBytes', async (path) => {
    const error = await failure(
      plugin.fetch(context({ ...allowLoopback(), maxResponseBytes: 64 * 1024 }), { url: `${api.origin}${path}` }),
    );
    expect(error).toMatchObject({ retryable: false, code: 'response_too_large' });
  });

  it('caps at 1 MiB by default', async () => {
    expect(await failure(plugin.fetch(context(), { url: `${api.origin}/big` }))).toMatchObject({ code: 'response_too_large' });
  });
});

describe('datasource-http: SSRF guard', () => {
  const blocked = [
    'http://127.0.0.1/',
    'http://127.8.9.10/',
    'http://localhost/',
    'http://10.1.2.3/',
    'http://172.16.0.1/',
    'http://172.31.255.255/',
    'http://192.168.1.1/',
    'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
    'http://0.0.0.0/',
    'http://100.64.0.1/',
    'http://224.0.0.1/',
    'http://[::1]/',
    'http://[::]/',
    'http://[fe80::1]/',
    'http://[fc00::1]/',
    'http://[fd12:3456:789a::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:7f00:1]/',
    'http://[::ffff:169.254.169.254]/',
    'http://[64:ff9b::a9fe:a9fe]/',
    'http://2130706433/',
    'http://0x7f.1/',
    'http://0x7f000001/',
    'http://017700000001/',
    'http://127.1/',
  ];

  it.each(blocked)('blocks %s', async (url) => {
    const error = await failure(plugin.fetch(context({}), { url }));
    expect(error).toMatchObject({ retryable: false, code: 'blocked_address' });
  });

  it('never connects to a blocked address (the local API sees nothing)', async () => {
    await failure(plugin.fetch(context({}), { url: `${api.origin}/accounts/42` }));
    await failure(plugin.fetch(context({}), { url: `http://[::ffff:127.0.0.1]:${api.port}/accounts/42` }));
    expect(api.seen).toHaveLength(0);
  });

  it('refuses schemes other than http and https', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://example.com/', 'gopher://127.0.0.1:6379/_INFO']) {
      expect(await failure(plugin.fetch(context({}), { url }))).toMatchObject({ retryable: false, code: 'invalid_request' });
    }
  });

  it('checks resolved addresses: a public-looking name resolving to a private address is blocked', async () => {
    const resolve: HostResolver = async (host) =>
      host === 'mixed.example'
        ? [
            { address: '93.184.215.14', family: 4 },
            { address: '10.0.0.7', family: 4 },
          ]
        : [{ address: '192.168.0.10', family: 4 }];
    const source = createHttpDataSource({ resolve });
    for (const url of ['http://crm.example/', 'http://mixed.example/']) {
      expect(await failure(source.fetch(context({}), { url }))).toMatchObject({ code: 'blocked_address' });
    }
  });

  it('connects to the address it checked (no second DNS answer can switch it)', async () => {
    const answers = ['127.0.0.1', '10.9.9.9'];
    let lookups = 0;
    const resolve: HostResolver = async () => [{ address: answers[Math.min(lookups++, 1)]!, family: 4 }];
    const source = createHttpDataSource({ resolve });
    const result = await source.fetch(context({ allowCidrs: ['127.0.0.0/8'] }), { url: `http://rebind.example:${api.port}/accounts/42` });
    expect(result.status).toBe(200);
    expect(lookups).toBe(1);
    expect(api.seen[0]!.headers.host).toBe(`rebind.example:${api.port}`);
  });

  it('lets allow-listed hosts and ranges through', async () => {
    for (const values of [{ allowHosts: ['127.0.0.1'] }, { allowCidrs: ['127.0.0.0/8'] }, { allowCidrs: ['127.0.0.1'] }]) {
      expect((await plugin.fetch(context(values), { url: `${api.origin}/accounts/42` })).status).toBe(200);
    }
    const source = createHttpDataSource({ resolve: async () => [{ address: '127.0.0.1', family: 4 }] });
    const viaName = await source.fetch(context({ allowHosts: ['*.internal.example'] }), {
      url: `http://crm.internal.example:${api.port}/accounts/42`,
    });
    expect(viaName.status).toBe(200);
  });

  it('rejects a malformed allow-list as a configuration error', async () => {
    expect(await failure(plugin.fetch(context({ allowCidrs: ['10.0.0.0/33'] }), { url: 'http://example.com/' }))).toMatchObject({
      retryable: false,
      code: 'invalid_config',
    });
  });
});

describe('datasource-http: redirects', () => {
  const resolveToLoopback: HostResolver = async () => [{ address: '127.0.0.1', family: 4 }];
  const source = createHttpDataSource({ resolve: resolveToLoopback });
  const trusted = (): Values => ({ allowHosts: ['trusted.example', 'other.example'], retryBaseDelayMs: 10 });
  const at = (host: string, path: string) => `http://${host}:${api.port}${path}`;

  it('follows redirects on allowed hosts and reports the final URL', async () => {
    const result = await source.fetch(context(trusted()), { url: at('trusted.example', '/redirect?to=/accounts/42') });
    expect(result).toMatchObject({ status: 200, url: at('trusted.example', '/accounts/42') });
  });

  it.each([
    ['127.0.0.1', (port: number) => `http://127.0.0.1:${port}/accounts/42`],
    ['the metadata address', () => 'http://169.254.169.254/latest/meta-data/'],
    ['an IPv4-mapped loopback', (port: number) => `http://[::ffff:7f00:1]:${port}/accounts/42`],
    ['a decimal loopback', (port: number) => `http://2130706433:${port}/accounts/42`],
  ])('blocks a redirect from an allowed server into %s', async (_name, target) => {
    const url = at('trusted.example', `/redirect?to=${encodeURIComponent(target(api.port))}`);
    const error = await failure(source.fetch(context(trusted()), { url }));
    expect(error).toMatchObject({ retryable: false, code: 'blocked_address' });
    expect(api.seen.map((s) => s.url)).toEqual([expect.stringMatching(/^\/redirect/)]);
  });

  it('follows at most maxRedirects hops', async () => {
    const error = await failure(source.fetch(context(trusted()), { url: at('trusted.example', '/loop') }));
    expect(error).toMatchObject({ retryable: false, code: 'too_many_redirects' });
    expect(api.seen).toHaveLength(6);
  });

  it('drops credentials when a redirect leaves the origin, and turns a 303 POST into a GET', async () => {
    const url = at('trusted.example', `/redirect?code=303&to=${encodeURIComponent(at('other.example', '/echo'))}`);
    const result = await source.fetch(context(trusted()), {
      method: 'POST',
      url,
      headers: { authorization: 'Bearer secret', 'x-keep': '1' },
      body: { a: 1 },
    });
    const echoed = result.body as { method: string; headers: Record<string, string>; body: string };
    expect(echoed.method).toBe('GET');
    expect(echoed.headers.authorization).toBeUndefined();
    expect(echoed.headers['x-keep']).toBe('1');
    expect(echoed.body).toBe('');
  });

  it('checks every hop against the allow-list, not just the first', async () => {
    const url = at('trusted.example', `/redirect?to=${encodeURIComponent(at('untrusted.example', '/accounts/42'))}`);
    expect(await failure(source.fetch(context(trusted()), { url }))).toMatchObject({ code: 'blocked_address' });
  });
});

describe('datasource-http: configuration', () => {
  it('applies defaults and marks the shared headers secret', () => {
    const ctx = context({ headers: { Authorization: 'Bearer x' } });
    expect(ctx.config).toMatchObject({
      allowHosts: [],
      maxResponseBytes: 1024 * 1024,
      maxRetries: 2,
      maxRedirects: 5,
      defaultTimeoutMs: 10_000,
    });
    expect(ctx.secrets).toEqual({ headers: { Authorization: 'Bearer x' } });
    expect('headers' in ctx.config).toBe(false);
  });

  it('answers checkConfig', async () => {
    await expect(plugin.checkConfig!(context({ allowHosts: ['crm.internal'] }))).resolves.toMatchObject({
      ok: true,
      message: expect.stringContaining('crm.internal'),
    });
    await expect(plugin.checkConfig!(context({ allowCidrs: ['nonsense'] }))).resolves.toMatchObject({ ok: false });
  });
});
