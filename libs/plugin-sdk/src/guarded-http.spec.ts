import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { guardedRequest, resolveAllowedAddress } from './guarded-http.js';

let server: Server;
let port = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/auth') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`authorization=${req.headers.authorization ?? 'none'} x-api-key=${req.headers['x-api-key'] ?? 'none'}`);
      return;
    }
    if (req.url?.startsWith('/to?')) {
      res.writeHead(302, { location: new URLSearchParams(req.url.slice(4)).get('url')! });
      res.end();
      return;
    }
    if (req.url === '/moved') {
      res.writeHead(301, { location: '/here' });
      res.end();
      return;
    }
    res.setHeader('set-cookie', ['a=1', 'b=2']);
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`${req.method} ${req.url} ${req.headers.host}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const loopback = { allowCidrs: ['127.0.0.0/8'] };

describe('guardedRequest', () => {
  it('returns status, flattened headers, body and the address it connected to', async () => {
    const response = await guardedRequest({ url: `http://127.0.0.1:${port}/x?y=1`, policy: loopback });
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe(`GET /x?y=1 127.0.0.1:${port}`);
    expect(response.headers['set-cookie']).toBe('a=1, b=2');
    expect(response.remoteAddress).toBe('127.0.0.1');
    expect(response.redirects).toEqual([]);
  });

  it('returns a 3xx as it is with maxRedirects 0, and follows it otherwise', async () => {
    expect((await guardedRequest({ url: `http://127.0.0.1:${port}/moved`, policy: loopback, maxRedirects: 0 })).status).toBe(301);
    const followed = await guardedRequest({ url: `http://127.0.0.1:${port}/moved`, policy: loopback });
    expect(followed).toMatchObject({ status: 200, url: `http://127.0.0.1:${port}/here`, redirects: [`http://127.0.0.1:${port}/here`] });
  });

  it('connects to the resolved address while keeping the host name for Host and TLS', async () => {
    const response = await guardedRequest({
      url: `http://app.example:${port}/`,
      policy: loopback,
      resolve: async () => [{ address: '127.0.0.1', family: 4 }],
    });
    expect(response.body.toString()).toBe(`GET / app.example:${port}`);
  });

  it('reports bad URLs and unknown hosts as permanent errors', async () => {
    await expect(guardedRequest({ url: 'not a url' })).rejects.toMatchObject({ retryable: false, code: 'invalid_request' });
    const notFound = Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    await expect(guardedRequest({ url: 'http://nowhere.example/', resolve: async () => Promise.reject(notFound) })).rejects.toMatchObject({
      retryable: false,
      code: 'not_found',
    });
    const busy = Object.assign(new Error('getaddrinfo EAI_AGAIN'), { code: 'EAI_AGAIN' });
    await expect(guardedRequest({ url: 'http://flaky.example/', resolve: async () => Promise.reject(busy) })).rejects.toMatchObject({
      retryable: true,
      code: 'network',
    });
  });

  it('reports an aborted request as retryable', async () => {
    await expect(guardedRequest({ url: `http://127.0.0.1:${port}/`, policy: loopback, signal: AbortSignal.abort() })).rejects.toMatchObject(
      {
        retryable: true,
        code: 'aborted',
      },
    );
  });
});

describe('resolveAllowedAddress', () => {
  it('explains which range blocked which address', async () => {
    await expect(
      resolveAllowedAddress(new URL('http://db.example/'), {}, async () => [{ address: '10.0.0.3', family: 4 }]),
    ).rejects.toMatchObject({
      code: 'blocked_address',
      message: expect.stringContaining('db.example resolves to 10.0.0.3'),
      details: { host: 'db.example', address: '10.0.0.3', range: 'private (10.0.0.0/8)' },
    });
  });

  it('an allow-listed host:port opens that port of a private host, not its others', async () => {
    expect((await guardedRequest({ url: `http://127.0.0.1:${port}/x`, policy: { allowHosts: [`127.0.0.1:${port}`] } })).status).toBe(200);
    await expect(
      guardedRequest({ url: `http://127.0.0.1:${port + 1}/x`, policy: { allowHosts: [`127.0.0.1:${port}`] } }),
    ).rejects.toMatchObject({ code: 'blocked_address' });
    await expect(resolveAllowedAddress(new URL('http://127.0.0.1:6379/'), { allowHosts: ['127.0.0.1:80'] })).rejects.toMatchObject({
      code: 'blocked_address',
    });
    await expect(resolveAllowedAddress(new URL('http://127.0.0.1/'), { allowHosts: ['127.0.0.1:80'] })).resolves.toMatchObject({
      address: '127.0.0.1',
    });
  });

  describe('credential headers', () => {
    const credentialHeaders = { Authorization: 'Bearer provider-secret', 'X-Api-Key': 'k' };
    const seen = async (url: string, credentialHosts: string[], headers?: Record<string, string>) =>
      (await guardedRequest({ url, policy: loopback, credentialHeaders, credentialHosts, headers })).body.toString();

    it('go only to the hosts (and ports) named for them', async () => {
      expect(await seen(`http://127.0.0.1:${port}/auth`, ['127.0.0.1'])).toBe('authorization=Bearer provider-secret x-api-key=k');
      expect(await seen(`http://127.0.0.1:${port}/auth`, [`127.0.0.1:${port}`])).toBe('authorization=Bearer provider-secret x-api-key=k');
      expect(await seen(`http://127.0.0.1:${port}/auth`, [`127.0.0.1:${port + 1}`])).toBe('authorization=none x-api-key=none');
      expect(await seen(`http://127.0.0.1:${port}/auth`, ['crm.example.test'])).toBe('authorization=none x-api-key=none');
      expect(await seen(`http://127.0.0.1:${port}/auth`, [])).toBe('authorization=none x-api-key=none');
    });

    it('are dropped on a redirect to another host or port, and never replace a header the request sets', async () => {
      const other = createServer((req, res) => res.end(`authorization=${req.headers.authorization ?? 'none'}`));
      await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
      try {
        const otherPort = (other.address() as AddressInfo).port;
        const away = `http://127.0.0.1:${port}/to?url=${encodeURIComponent(`http://127.0.0.1:${otherPort}/steal`)}`;
        expect(await seen(away, [`127.0.0.1:${port}`])).toBe('authorization=none');
        expect(await seen(`http://127.0.0.1:${port}/auth`, ['127.0.0.1'], { authorization: 'Bearer node-own' })).toBe(
          'authorization=Bearer node-own x-api-key=k',
        );
      } finally {
        await new Promise<void>((resolve) => other.close(() => resolve()));
      }
    });
  });
});
