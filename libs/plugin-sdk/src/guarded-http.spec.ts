import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { guardedRequest, resolveAllowedAddress } from './guarded-http.js';

let server: Server;
let port = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
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
});
