import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestApp, type TestApp, type TestWorkspace, uniqueSuffix } from '../../testing/test-app.js';
import { InboxTokens } from './inbox-tokens.js';

describe('inbox access (integration: PostgreSQL + Redis)', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let userId: string;
  let topicKey: string;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.workspace();
    userId = `inbox-${uniqueSuffix()}`;
    topicKey = `news-${uniqueSuffix()}`;
    const owner = { Authorization: `Bearer ${ws.keys.owner}` };
    await t.http
      .put(`/api/profiles/${userId}`)
      .set(owner)
      .send({ traits: { plan: 'pro' } })
      .expect(200);
    await t.http.post('/api/topics').set(owner).send({ key: topicKey, name: 'News', defaultPreference: 'opted_in' }).expect(201);
    token = t.app.get(InboxTokens).tokenFor(ws.id, userId);
  });
  afterAll(() => t.close());

  const bearer = (role: 'owner' | 'editor' | 'viewer') => ({ Authorization: `Bearer ${ws.keys[role]}` });
  const browser = () => ({ Authorization: `Basic ${Buffer.from(`${ws.writeKey}:`).toString('base64')}`, 'X-Itinera-User-Token': token });

  describe('a secret key follows the role rules of /api', () => {
    it('a viewer key reads but gets 403 on every write', async () => {
      expect((await t.http.get(`/inbox/${userId}/messages`).set(bearer('viewer'))).status).toBe(200);
      expect((await t.http.get(`/inbox/${userId}/counts`).set(bearer('viewer'))).status).toBe(200);
      expect((await t.http.get(`/inbox/${userId}/preferences`).set(bearer('viewer'))).status).toBe(200);
      const writes = [
        t.http.put(`/inbox/${userId}/preferences/${topicKey}`).set(bearer('viewer')).send({ status: 'opted_out' }),
        t.http.post(`/inbox/${userId}/messages/bulk`).set(bearer('viewer')).send({ action: 'archive' }),
        t.http.post(`/inbox/${userId}/messages/${randomUUID()}/archive`).set(bearer('viewer')),
      ];
      for (const write of writes) {
        const res = await write;
        expect(res.status).toBe(403);
        expect(res.body.message).toMatch(/needs the editor role; the caller has viewer/);
      }
      // The profile-side route agrees.
      expect(
        (await t.http.put(`/api/profiles/${userId}/preferences/${topicKey}`).set(bearer('viewer')).send({ status: 'opted_out' })).status,
      ).toBe(403);
      const preferences = await t.http.get(`/inbox/${userId}/preferences`).set(bearer('owner'));
      expect(JSON.stringify(preferences.body)).not.toMatch(/opted_out/);
    });

    it('an editor key writes', async () => {
      expect((await t.http.post(`/inbox/${userId}/messages/bulk`).set(bearer('editor')).send({ action: 'read' })).status).toBe(200);
      expect((await t.http.put(`/inbox/${userId}/preferences/${topicKey}`).set(bearer('editor')).send({ status: 'opted_in' })).status).toBe(
        200,
      );
    });

    it('the user themself (write key and token) reads and writes their own feed', async () => {
      expect((await t.http.post(`/inbox/${userId}/messages/bulk`).set(browser()).send({ action: 'seen' })).status).toBe(200);
      expect((await t.http.put(`/inbox/${userId}/preferences/${topicKey}`).set(browser()).send({ status: 'opted_in' })).status).toBe(200);
      expect((await t.http.get(`/inbox/other-${userId}/messages`).set(browser())).status).toBe(403);
    });
  });

  describe('browser use', () => {
    it('the feed takes writeKey and token as query parameters, like counts and stream', async () => {
      const query = `writeKey=${ws.writeKey}&token=${token}`;
      const list = await t.http.get(`/inbox/${userId}/messages?${query}&limit=5&status=unread`);
      expect(list.status).toBe(200);
      expect(list.body).toEqual({ data: [], nextCursor: null });
      expect((await t.http.get(`/inbox/${userId}/counts?${query}`)).status).toBe(200);
      expect((await t.http.get(`/inbox/${userId}/messages?${query}&unknown=1`)).status).toBe(400);
    });

    it('answers CORS preflights from any origin, and the actual requests carry Access-Control-Allow-Origin', async () => {
      const preflight = await t.http
        .options(`/inbox/${userId}/messages`)
        .set('Origin', 'https://app.example.test')
        .set('Access-Control-Request-Method', 'GET')
        .set('Access-Control-Request-Headers', 'authorization, x-itinera-user-token');
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example.test');
      expect(preflight.headers['access-control-allow-headers']).toMatch(/x-itinera-user-token/);
      expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
      const actual = await t.http.get(`/inbox/${userId}/counts`).set(browser()).set('Origin', 'https://app.example.test');
      expect(actual.status).toBe(200);
      expect(actual.headers['access-control-allow-origin']).toBe('https://app.example.test');
      // The management API stays same-origin.
      expect(
        (await t.http.options('/api/profiles').set('Origin', 'https://app.example.test').set('Access-Control-Request-Method', 'GET'))
          .headers['access-control-allow-origin'],
      ).toBeUndefined();
    });

    it("a write key's allowed origins narrow both /inbox and /v1", async () => {
      const created = await t.http
        .post('/api/api-keys')
        .set(bearer('owner'))
        .send({ name: 'web', kind: 'write', allowedOrigins: ['https://app.example.test', 'https://*.example.org'] });
      expect(created.status).toBe(201);
      expect(created.body.allowedOrigins).toEqual(['https://app.example.test', 'https://*.example.org']);
      const key = created.body.key as string;
      const counts = (origin?: string) => {
        const req = t.http.get(`/inbox/${userId}/counts?writeKey=${key}&token=${token}`);
        return (origin ? req.set('Origin', origin) : req).then((r) => r.status);
      };
      const track = (origin?: string) => {
        const req = t.http.post('/v1/track').set('Authorization', `Basic ${Buffer.from(`${key}:`).toString('base64')}`);
        return (origin ? req.set('Origin', origin) : req).send({ userId, event: 'visited' }).then((r) => r.status);
      };
      expect(await counts('https://app.example.test')).toBe(200);
      expect(await counts('https://shop.example.org')).toBe(200);
      expect(await counts('https://evil.example.test')).toBe(403);
      expect(await counts('http://app.example.test')).toBe(403);
      expect(await counts()).toBe(200);
      expect(await track('https://app.example.test')).toBe(200);
      expect(await track('https://evil.example.test')).toBe(403);
      expect(await track()).toBe(200);
      // Lifting the list lets every origin in again.
      const updated = await t.http.patch(`/api/api-keys/${created.body.id}`).set(bearer('owner')).send({ allowedOrigins: null });
      expect(updated.status).toBe(200);
      expect(updated.body.allowedOrigins).toBeNull();
      expect(await track('https://evil.example.test')).toBe(200);
      expect(
        (
          await t.http
            .post('/api/api-keys')
            .set(bearer('owner'))
            .send({ name: 'x', kind: 'write', allowedOrigins: ['https://app.example.test/path'] })
        ).status,
      ).toBe(400);
      expect(
        (
          await t.http
            .post('/api/api-keys')
            .set(bearer('owner'))
            .send({ name: 'x', kind: 'secret', allowedOrigins: ['https://app.example.test'] })
        ).status,
      ).toBe(400);
    });
  });

  describe('the live stream', () => {
    let port: number;
    beforeAll(async () => {
      const server = t.app.getHttpServer();
      if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
      port = (server.address() as AddressInfo).port;
    });

    /** Status and headers of a request, resolving as soon as they arrive (a live stream never ends). */
    const head = (method: string, path: string, headers: Record<string, string>) =>
      new Promise<{ status: number; headers: Record<string, unknown>; ended: Promise<void> }>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
          const ended = new Promise<void>((done) => res.on('end', () => done()));
          res.resume();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, ended });
          setTimeout(() => req.destroy(), 500);
        });
        req.on('error', (error) => ((error as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(error)));
        req.end();
      });

    it('HEAD answers the headers a GET would and completes', async () => {
      const res = await head('HEAD', `/inbox/${userId}/stream?writeKey=${ws.writeKey}&token=${token}`, {});
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/event-stream');
      await res.ended;
    });

    it('an unknown user gets 404, not an open stream', async () => {
      const unknown = `nobody-${uniqueSuffix()}`;
      const unknownToken = t.app.get(InboxTokens).tokenFor(ws.id, unknown);
      const res = await head('GET', `/inbox/${unknown}/stream?writeKey=${ws.writeKey}&token=${unknownToken}`, {});
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/json/);
    });
  });
});
