import { DataSource } from 'typeorm';
import { startTestApp, type TestApp, type TestWorkspace, uniqueSuffix } from '../../testing/test-app.js';

/**
 * A batch stores every valid event and reports each bad one by index, whatever is wrong with it:
 * SDKs retry a 5xx forever (a poison batch) and drop a 400, so neither may come from one bad event.
 */
describe('ingestion of batches with bad events (integration: PostgreSQL + Redis)', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let db: DataSource;

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.workspace();
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  const basic = () => `Basic ${Buffer.from(`${ws.writeKey}:`).toString('base64')}`;
  /** A placeholder replaced by JSON nested `levels` deep when the body is written (JSON.stringify would overflow its stack). */
  const deep = (levels: number) => `@@deep:${levels}@@`;
  const bodyText = (body: unknown) =>
    JSON.stringify(body).replace(/"@@deep:(\d+)@@"/g, (_m, n: string) => `${'{"a":'.repeat(Number(n))}1${'}'.repeat(Number(n))}`);
  const storedMessageIds = async (prefix: string) =>
    (
      (await db.query('SELECT message_id FROM events WHERE workspace_id = $1 AND message_id LIKE $2 ORDER BY message_id', [
        ws.id,
        `${prefix}%`,
      ])) as Array<{ message_id: string }>
    ).map((r) => r.message_id);

  it('stores the valid events and lists every bad one by index with its reason', async () => {
    const run = `mixed-${uniqueSuffix()}`;
    const good = (n: number) => ({ type: 'track', userId: `${run}-user`, event: 'ok', messageId: `${run}-good-${n}`, properties: { n } });
    const batch = [
      good(0),
      { type: 'track', userId: 'u\ud800', event: 'x', messageId: `${run}-bad-surrogate-user` },
      good(2),
      { type: 'track', userId: `${run}-user`, event: 'x', messageId: `${run}-bad-deep`, properties: deep(10_000) },
      { type: 'track', userId: `${run}-user`, event: 'x', messageId: `${run}-bad-surrogate-prop`, properties: { a: '\ud800' } },
      { type: 'track', userId: `${run}-user`, event: 'x', messageId: `${run}-bad-nul`, properties: { a: 'x\u0000y' } },
      { type: 'identify', userId: `${run}-user`, messageId: `${run}-bad-key`, traits: { ['k\udc00']: 1 } },
      { type: 'track', userId: '..', event: 'x', messageId: `${run}-bad-dots` },
      good(8),
    ];
    const res = await t.http
      .post('/v1/batch')
      .set('Authorization', basic())
      .set('Content-Type', 'application/json')
      .send(bodyText({ batch }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, accepted: 3, duplicates: 0 });
    const rejected = res.body.rejected as Array<{ index: number; messageId: string; reason: string }>;
    expect(rejected.map((r) => r.index)).toEqual([1, 3, 4, 5, 6, 7]);
    expect(rejected[0].reason).toMatch(/^userId is not valid Unicode text/);
    expect(rejected[1].reason).toMatch(/^properties(\.a)+ is nested more than 64 levels deep/);
    expect(rejected[2].reason).toMatch(/^properties\.a is not valid Unicode text/);
    expect(rejected[3].reason).toMatch(/^properties\.a contains a NUL/);
    expect(rejected[4].reason).toMatch(/^traits\.k\\udc00 has a key that is not valid Unicode text/);
    expect(rejected[5].reason).toMatch(/userId cannot be "\." or "\.\."/);
    expect(await storedMessageIds(run)).toEqual([`${run}-good-0`, `${run}-good-2`, `${run}-good-8`]);
  });

  it('a batch of only bad events is a 400 listing each by index, storing nothing', async () => {
    const run = `allbad-${uniqueSuffix()}`;
    const batch = [
      { type: 'track', userId: 'u\ud800', event: 'x', messageId: `${run}-0` },
      { type: 'track', userId: 'u', event: 'x', messageId: `${run}-1`, properties: deep(200) },
    ];
    const res = await t.http
      .post('/v1/batch')
      .set('Authorization', basic())
      .set('Content-Type', 'application/json')
      .send(bodyText({ batch }));
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['batch.0', 'batch.1']);
    expect(await storedMessageIds(run)).toEqual([]);
  });

  it('a single call with such an event is a 400 naming the field', async () => {
    for (const [body, reason] of [
      [{ userId: 'u\ud800', event: 'x' }, /userId is not valid Unicode text/],
      [{ userId: 'u', event: 'x', properties: deep(10_000) }, /nested more than 64 levels/],
      [{ userId: 'u', event: 'x', context: { 'a\u0000': 1 } }, /context\.a\\u0000 has a key that contains a NUL/],
    ] as const) {
      const res = await t.http.post('/v1/track').set('Authorization', basic()).set('Content-Type', 'application/json').send(bodyText(body));
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(reason);
    }
  });

  it('a bad batch-level context, shared by every event, rejects the batch', async () => {
    const run = `ctx-${uniqueSuffix()}`;
    const res = await t.http
      .post('/v1/batch')
      .set('Authorization', basic())
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ context: { ip: '\ud800' }, batch: [{ type: 'track', userId: 'u', event: 'x', messageId: `${run}-0` }] }));
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('context.ip');
    expect(await storedMessageIds(run)).toEqual([]);
  });
});
