import { startTestApp, type TestApp, type TestWorkspace, uniqueSuffix } from '../../testing/test-app.js';

/** The smaller findings of the hardening review, one by one. */
describe('hardening: content types, security headers, CORS, named 4xx for unstorable input (integration)', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  const owner = () => ({ Authorization: `Bearer ${ws.keys.owner}` });

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.workspace();
  });
  afterAll(() => t.close());

  describe('content types', () => {
    it('a JSON route answers 415 to a text/plain or form body and changes nothing', async () => {
      const before = (await t.http.get('/api/workspace').set(owner())).body;
      const plain = await t.http
        .patch('/api/workspace')
        .set(owner())
        .set('Content-Type', 'text/plain')
        .send(JSON.stringify({ name: 'Renamed' }));
      expect(plain.status).toBe(415);
      expect(plain.body.message).toMatch(/Send the body as JSON \(Content-Type: application\/json\); got Content-Type: text\/plain/);
      const form = await t.http
        .post('/api/api-keys')
        .set(owner())
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send('name=x&kind=write');
      expect(form.status).toBe(415);
      expect((await t.http.get('/api/workspace').set(owner())).body).toEqual(before);
      // Without a body a JSON route behaves as before; routes that read other types are unaffected.
      expect((await t.http.post(`/api/journeys/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}/pause`).set(owner())).status).toBe(404);
      expect((await t.http.post('/api/profiles/import').set(owner()).set('Content-Type', 'text/csv').send('userId\nu1')).status).toBe(200);
    });
  });

  describe('security headers', () => {
    it('the API, the docs and the admin SPA send CSP, frame and sniffing protections', async () => {
      for (const path of ['/api/workspace', '/api/docs', '/healthz', '/', '/api/nothing-here']) {
        const res = await t.http.get(path).set(owner());
        expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
        expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
        expect(res.headers['content-security-policy']).toMatch(/script-src 'self'/);
        expect(res.headers['content-security-policy']).not.toMatch(/upgrade-insecure-requests/);
        expect(res.headers['x-frame-options']).toBe('DENY');
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['referrer-policy']).toBe('no-referrer');
        expect(res.headers['strict-transport-security']).toBeUndefined();
      }
    });

    it('HSTS and upgrade-insecure-requests only when the public URL is https', async () => {
      const secure = await startTestApp({ ITINERA_PUBLIC_URL: 'https://itinera.example.test' });
      try {
        const res = await secure.http.get('/healthz');
        expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
        expect(res.headers['content-security-policy']).toMatch(/upgrade-insecure-requests/);
      } finally {
        await secure.close();
      }
    });
  });

  describe('CORS', () => {
    it('/v1 answers preflights for any origin, credentials allowed as RudderStack sends them; /api has no CORS', async () => {
      const preflight = await t.http
        .options('/v1/batch')
        .set('Origin', 'https://shop.example.test')
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization, content-type, anonymousid');
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('https://shop.example.test');
      expect(preflight.headers['access-control-allow-credentials']).toBe('true');
      expect(preflight.headers['access-control-allow-methods']).toMatch(/POST/);
      expect(preflight.headers['access-control-allow-headers']).toBe('authorization, content-type, anonymousid');
      const sent = await t.http
        .post('/v1/track')
        .set('Origin', 'https://shop.example.test')
        .set('Authorization', `Basic ${Buffer.from(`${ws.writeKey}:`).toString('base64')}`)
        .send({ userId: `cors-${uniqueSuffix()}`, event: 'viewed' });
      expect(sent.status).toBe(200);
      expect(sent.headers['access-control-allow-origin']).toBe('https://shop.example.test');
      const management = await t.http
        .options('/api/workspace')
        .set('Origin', 'https://shop.example.test')
        .set('Access-Control-Request-Method', 'PATCH');
      expect(management.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('unstorable input is a 4xx naming the field', () => {
    it('a NUL in a path parameter (nothing by that name can exist: 404), a query parameter, a body field and a cursor', async () => {
      const path = await t.http.get('/api/profiles/%00').set(owner());
      expect(path.status).toBe(404);
      expect(path.body.errors).toEqual([{ field: 'userId', messages: ['contains a NUL (\\u0000) character'] }]);
      const query = await t.http.get('/api/events?event=%00').set(owner());
      expect(query.status).toBe(400);
      expect(query.body.errors[0].field).toBe('event');
      const field = await t.http
        .post('/api/api-keys')
        .set(owner())
        .set('Content-Type', 'application/json')
        .send('{"name":"a\\u0000b","kind":"write"}');
      expect(field.status).toBe(400);
      expect(field.body.errors).toEqual([{ field: 'name', messages: ['contains a NUL (\\u0000) character'] }]);
      const cursor = await t.http.get('/api/profiles?cursor=WyJcdTAwMDAiLCJcdTAwMDAiXQ').set(owner());
      expect(cursor.status).toBe(400);
      expect(cursor.body.errors[0].field).toBe('cursor');
    });

    it('a lone surrogate in an e-mail field and in a nested field', async () => {
      const login = await t.http
        .post('/api/auth/login')
        .set('Content-Type', 'application/json')
        .send('{"email":"a\\ud800@example.test","password":"x"}');
      expect(login.status).toBe(400);
      expect(login.body.errors).toEqual([{ field: 'email', messages: ['is not valid Unicode text (a lone UTF-16 surrogate)'] }]);
      const send = await t.http
        .post('/send')
        .set(owner())
        .set('Content-Type', 'application/json')
        .send('{"message":{"to":{"user_id":"u"},"template":"t","data":{"x":["ok","\\udc00"]}}}');
      expect(send.status).toBe(400);
      expect(send.body.errors[0].field).toBe('message.data.x.1');
    });

    it('a JSON session cookie is no session: 401, not 500', async () => {
      const res = await t.http.get('/api/workspace').set('Cookie', 'itinera_session=j:{}');
      expect(res.status).toBe(401);
    });

    it('userIds "." and "..", which URL-normalising clients cannot address, are refused where profiles are made', async () => {
      const put = await t.http.put('/api/profiles/%2E%2E').set(owner()).send({ traits: {} });
      expect(put.status).toBe(400);
      expect(put.body.errors).toEqual([{ field: 'userId', messages: ['cannot be "." or ".." (they are not addressable in a URL)'] }]);
      const identify = await t.http
        .post('/v1/identify')
        .set('Authorization', `Basic ${Buffer.from(`${ws.writeKey}:`).toString('base64')}`)
        .send({ userId: '.', traits: { a: 1 } });
      expect(identify.status).toBe(400);
      expect(identify.body.message).toMatch(/userId cannot be "\." or "\.\."/);
    });
  });

  describe('bounded answers', () => {
    it('lists at most 20 problems and counts the rest; a non-object body is refused before it is walked', async () => {
      const many = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`extra${i}`, i]));
      const res = await t.http
        .post('/api/api-keys')
        .set(owner())
        .send({ name: 'x', kind: 'write', ...many });
      expect(res.status).toBe(400);
      expect(res.body.errors).toHaveLength(20);
      expect(res.body.message).toMatch(/; and 80 more problems$/);
      const array = await t.http
        .post('/api/auth/login')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(new Array(5000).fill({ email: 'a@b.c' })));
      expect(array.status).toBe(400);
      expect(array.body).toMatchObject({
        message: 'Request body must be a JSON object',
        errors: [{ field: 'body', messages: ['must be a JSON object'] }],
      });
    });
  });
});
