import { startTestApp, type TestApp, type TestWorkspace } from '../../testing/test-app.js';

describe('health, readiness, metrics and the worker probe (integration)', () => {
  let t: TestApp;
  let ws: TestWorkspace;

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.workspace();
  });
  afterAll(() => t.close());

  it('/healthz and /readyz answer without credentials', async () => {
    expect((await t.http.get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await t.http.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ok', checks: { postgres: 'up', redis: 'up' } });
  });

  it('/metrics exposes process metrics and an HTTP histogram labelled by route pattern', async () => {
    await t.http.get('/api/api-keys').set('Authorization', `Bearer ${ws.keys.owner}`);
    const res = await t.http.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.text).toContain('itinera_process_resident_memory_bytes');
    expect(res.text).toMatch(/itinera_http_request_duration_seconds_count\{method="GET",route="\/api\/api-keys",status_code="200"\} \d+/);
  });

  it('/api/docs serves the browsable docs and /api/openapi.json the document', async () => {
    const docs = await t.http.get('/api/docs/');
    expect(docs.status).toBe(200);
    expect(docs.text).toContain('swagger-ui');
    const json = await t.http.get('/api/openapi.json');
    expect(json.body.info.title).toBe('Itinera API');
  });

  it('a worker in this process finishes a probe job; only owners may send one', async () => {
    const res = await t.http.post('/api/system/worker-probe').set('Authorization', `Bearer ${ws.keys.owner}`).send({ holdMs: 10 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ workerPid: process.pid, jobId: expect.any(String) });
    expect(res.body.roundTripMs).toBeGreaterThanOrEqual(10);
    expect((await t.http.post('/api/system/worker-probe').set('Authorization', `Bearer ${ws.keys.editor}`).send({})).status).toBe(403);
  });

  it('refuses a wait that leaves no time beyond the hold, before enqueuing anything', async () => {
    const res = await t.http
      .post('/api/system/worker-probe')
      .set('Authorization', `Bearer ${ws.keys.owner}`)
      .send({ holdMs: 157, timeoutMs: 103 });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/timeoutMs \(103\) must be at least holdMs \(157\) \+ 1000/);
  });
});

describe('worker probe without a worker (integration)', () => {
  it('answers 503 saying what to check', async () => {
    const t = await startTestApp({ ITINERA_ROLE: 'api', REDIS_PREFIX: `${process.env.REDIS_PREFIX}_noworker` });
    try {
      const ws = await t.workspace();
      const res = await t.http.post('/api/system/worker-probe').set('Authorization', `Bearer ${ws.keys.owner}`).send({ timeoutMs: 1000 });
      expect(res.status).toBe(503);
      expect(res.body.message).toMatch(/ITINERA_ROLE=worker or all/);
    } finally {
      await t.close();
    }
  });
});
