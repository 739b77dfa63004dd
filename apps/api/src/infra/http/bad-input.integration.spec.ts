import fc from 'fast-check';
import { startTestApp, type TestApp, type TestWorkspace } from '../../testing/test-app.js';

describe('bad input never gets a 500 (integration)', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let owner: Record<string, string>;

  beforeAll(async () => {
    t = await startTestApp({ ITINERA_BODY_LIMIT: '64kb' });
    ws = await t.workspace();
    owner = { Authorization: `Bearer ${ws.keys.owner}` };
  });
  afterAll(() => t.close());

  it('malformed JSON → 400 saying so', async () => {
    const res = await t.http.post('/api/api-keys').set(owner).set('Content-Type', 'application/json').send('{"name": "x",');
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/not valid JSON/);
  });

  it('unknown fields and wrong types → 400 with field-level messages', async () => {
    const res = await t.http.post('/api/api-keys').set(owner).send({ name: 42, kind: 'root', extra: true });
    expect(res.status).toBe(400);
    const fields = Object.fromEntries(res.body.errors.map((e: { field: string; messages: string[] }) => [e.field, e.messages]));
    expect(fields.name.join()).toMatch(/string/);
    expect(fields.kind.join()).toMatch(/one of the following values: write, secret/);
    expect(fields.extra).toEqual(['is not a known field']);
  });

  it('a body that is not an object, an invalid uuid, a bad timezone → 400', async () => {
    expect((await t.http.post('/api/api-keys').set(owner).set('Content-Type', 'application/json').send('[1,2]')).status).toBe(400);
    expect((await t.http.post('/api/api-keys').set(owner).set('Content-Type', 'application/json').send('"text"')).status).toBe(400);
    const uuid = await t.http.delete('/api/api-keys/not-a-uuid').set(owner);
    expect(uuid.status).toBe(400);
    expect(uuid.body.message).toMatch(/uuid/);
    const tz = await t.http.patch('/api/workspace').set(owner).send({ defaultTimezone: 'Mars/Olympus' });
    expect(tz.status).toBe(400);
    expect(tz.body.errors[0].field).toBe('defaultTimezone');
  });

  it('an empty PATCH changes nothing and answers the current state', async () => {
    const res = await t.http.patch('/api/workspace').set(owner).send({});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: ws.id, name: ws.name });
  });

  it('unknown routes → 404 JSON, for API paths and methods alike', async () => {
    const res = await t.http.get('/api/does-not-exist').set(owner);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/json/);
    expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    expect((await t.http.put('/api/workspace').set(owner).send({})).status).toBe(404);
  });

  it('an oversized body → 413 JSON, nothing stored', async () => {
    const before = (await t.http.get('/api/api-keys').set(owner)).body.length;
    const res = await t.http
      .post('/api/api-keys')
      .set(owner)
      .send({ name: 'x'.repeat(70 * 1024), kind: 'write' });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ statusCode: 413, message: 'Request body is too large' });
    expect((await t.http.get('/api/api-keys').set(owner)).body.length).toBe(before);
  });

  it('every response carries a request id, echoed when the caller sends one', async () => {
    const res = await t.http.get('/api/nothing').set('X-Request-Id', 'trace-123');
    expect(res.headers['x-request-id']).toBe('trace-123');
    expect(res.body.requestId).toBe('trace-123');
  });

  it('property: arbitrary JSON bodies on every write route answer 2xx/4xx, never 5xx, and store nothing invalid', async () => {
    const routes: Array<['post' | 'patch', string]> = [
      ['post', '/api/api-keys'],
      ['patch', '/api/workspace'],
      ['post', '/api/members'],
      ['post', '/api/auth/login'],
    ];
    const body = fc.oneof(
      fc.jsonValue(),
      fc.record({ name: fc.anything(), kind: fc.anything(), role: fc.anything() }, { requiredKeys: [] }),
      fc.record({ email: fc.string(), password: fc.anything(), role: fc.string() }, { requiredKeys: [] }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), body, async ([method, path], payload) => {
        const res = await t.http[method](path)
          .set(owner)
          .set('Content-Type', 'application/json')
          .send(JSON.stringify(payload) ?? 'null');
        if (res.status >= 500) throw new Error(`${method} ${path} ${JSON.stringify(payload)} → ${res.status} ${JSON.stringify(res.body)}`);
        expect(res.headers['content-type']).toMatch(/json/);
      }),
      { numRuns: 150 },
    );
    const keys = (await t.http.get('/api/api-keys').set(owner)).body as Array<{ name: string; kind: string }>;
    for (const key of keys) {
      expect(typeof key.name).toBe('string');
      expect(['write', 'secret']).toContain(key.kind);
    }
  });

  it('property: arbitrary raw bytes as a JSON body → 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 256 }), async (bytes) => {
        const res = await t.http.post('/api/api-keys').set(owner).set('Content-Type', 'application/json').send(Buffer.from(bytes));
        expect(res.status).toBeGreaterThanOrEqual(200);
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 60 },
    );
  });
});
