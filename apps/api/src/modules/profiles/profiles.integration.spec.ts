import { DataSource } from 'typeorm';
import { startTestApp, type TestApp, type TestWorkspace, uniqueSuffix } from '../../testing/test-app.js';

describe('profiles and events management API (integration)', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let db: DataSource;
  const owner = () => ({ Authorization: `Bearer ${ws.keys.owner}` });
  const basic = () => ({ Authorization: `Basic ${Buffer.from(`${ws.writeKey}:`).toString('base64')}` });

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.workspace();
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  it('PUT creates, PATCH merges (null removes), GET shows traits, contact points and account', async () => {
    const userId = `u-${uniqueSuffix()}`;
    const put = await t.http
      .put(`/api/profiles/${userId}`)
      .set(owner())
      .send({
        traits: { email: 'Ada@Example.test', plan: 'trial', seats: 3 },
        contactPoints: [{ channel: 'slack', value: 'U123' }],
        timezone: 'Europe/Paris',
      });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ userId, email: 'ada@example.test', timezone: 'Europe/Paris', traits: { plan: 'trial', seats: 3 } });
    expect(put.body.contactPoints.map((c: { channel: string }) => c.channel).sort()).toEqual(['email', 'slack']);

    const patch = await t.http
      .patch(`/api/profiles/${userId}`)
      .set(owner())
      .send({ traits: { plan: 'pro', seats: null } });
    expect(patch.body.traits).toEqual({ email: 'Ada@Example.test', plan: 'pro' });

    const replaced = await t.http
      .put(`/api/profiles/${userId}`)
      .set(owner())
      .send({ traits: { plan: 'enterprise' } });
    expect(replaced.body.traits).toEqual({ plan: 'enterprise' });

    await t.http
      .post('/v1/group')
      .set(basic())
      .send({ userId, groupId: `g-${userId}`, traits: { tier: 'gold' } });
    const got = await t.http.get(`/api/profiles/${userId}`).set(owner());
    expect(got.body.account).toEqual({ groupId: `g-${userId}`, traits: { tier: 'gold' } });

    const slack = got.body.contactPoints.find((c: { channel: string }) => c.channel === 'slack');
    expect((await t.http.delete(`/api/profiles/${userId}/contact-points/${slack.id}`).set(owner())).status).toBe(204);
    expect((await t.http.delete(`/api/profiles/${userId}/contact-points/${slack.id}`).set(owner())).status).toBe(404);
  });

  it('bad writes → 400 with field errors; unknown profile → 404; viewer cannot write', async () => {
    const bad = await t.http
      .patch('/api/profiles/x')
      .set(owner())
      .send({ traits: 'nope', contactPoints: [{ channel: 'fax', value: '' }], timezone: 'Nowhere/City' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'contactPoints.0.channel',
      'contactPoints.0.value',
      'timezone',
      'traits',
    ]);
    expect((await t.http.get('/api/profiles/does-not-exist').set(owner())).status).toBe(404);
    expect(
      (
        await t.http
          .patch('/api/profiles/x')
          .set({ Authorization: `Bearer ${ws.keys.viewer}` })
          .send({ traits: {} })
      ).status,
    ).toBe(403);
    expect((await t.http.get('/api/profiles?cursor=garbage').set(owner())).status).toBe(400);
    expect((await t.http.get('/api/profiles?traits=notjson').set(owner())).status).toBe(400);
    expect((await t.http.get('/api/profiles?limit=0').set(owner())).status).toBe(400);
  });

  it('searches by id prefix, e-mail and trait condition, with cursor pagination', async () => {
    const tag = uniqueSuffix();
    for (let i = 0; i < 7; i += 1) {
      await t.http
        .put(`/api/profiles/search-${tag}-${i}`)
        .set(owner())
        .send({ traits: { email: `s${i}-${tag}@example.test`, tier: i % 2 ? 'gold' : 'silver' } });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { data: Array<{ userId: string }>; nextCursor: string | null } } = await t.http
        .get('/api/profiles')
        .query({ q: `search-${tag}`, limit: 3, ...(cursor ? { cursor } : {}) })
        .set(owner());
      seen.push(...page.body.data.map((p) => p.userId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 7 }, (_, i) => `search-${tag}-${i}`));

    const gold = await t.http
      .get('/api/profiles')
      .query({ q: `search-${tag}`, traits: JSON.stringify({ tier: 'gold' }) })
      .set(owner());
    expect(gold.body.data.map((p: { userId: string }) => p.userId)).toEqual([1, 3, 5].map((i) => `search-${tag}-${i}`));
    const byEmail = await t.http
      .get('/api/profiles')
      .query({ email: `S2-${tag}@example.test` })
      .set(owner());
    expect(byEmail.body.data.map((p: { userId: string }) => p.userId)).toEqual([`search-${tag}-2`]);
  });

  it('lists events of a profile and of the workspace with filters and cursors', async () => {
    const userId = `ev-${uniqueSuffix()}`;
    const batch = Array.from({ length: 5 }, (_, i) => ({
      type: 'track',
      userId,
      event: i % 2 ? 'opened' : 'clicked',
      timestamp: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(),
    }));
    await t.http.post('/v1/batch').set(basic()).send({ batch });
    const first = await t.http.get(`/api/profiles/${userId}/events`).query({ limit: 2 }).set(owner());
    expect(first.body.data.map((e: { timestamp: string }) => e.timestamp.slice(0, 10))).toEqual(['2026-01-05', '2026-01-04']);
    const second = await t.http.get(`/api/profiles/${userId}/events`).query({ limit: 2, cursor: first.body.nextCursor }).set(owner());
    expect(second.body.data.map((e: { timestamp: string }) => e.timestamp.slice(0, 10))).toEqual(['2026-01-03', '2026-01-02']);

    const opened = await t.http.get('/api/events').query({ userId, event: 'opened' }).set(owner());
    expect(opened.body.data).toHaveLength(2);
    const ranged = await t.http.get('/api/events').query({ userId, from: '2026-01-02T00:00:00Z', to: '2026-01-04T00:00:00Z' }).set(owner());
    expect(ranged.body.data).toHaveLength(2);
    expect((await t.http.get('/api/events').query({ from: 'last tuesday' }).set(owner())).status).toBe(400);
    expect((await t.http.get('/api/profiles/nobody-here/events').set(owner())).status).toBe(404);
  });

  it('DELETE erases the profile with its events, anonymous ids, contact points and stream entries', async () => {
    const userId = `gone-${uniqueSuffix()}`;
    await t.http
      .post('/v1/identify')
      .set(basic())
      .send({ userId, anonymousId: `a-${userId}`, traits: { email: `${userId}@example.test` } });
    await t.http.post('/v1/track').set(basic()).send({ userId, event: 'x' });
    const [{ id }] = await db.query('SELECT id FROM profiles WHERE workspace_id = $1 AND user_id = $2', [ws.id, userId]);
    expect((await t.http.delete(`/api/profiles/${userId}`).set(owner())).status).toBe(204);
    for (const table of ['events', 'profile_anonymous_ids', 'contact_points']) {
      expect((await db.query(`SELECT count(*)::int AS n FROM ${table} WHERE profile_id = $1`, [id]))[0].n).toBe(0);
    }
    const left = await db.query('SELECT kind, payload FROM stream_entries WHERE profile_id = $1', [id]);
    expect(left).toEqual([{ kind: 'profile_deleted', payload: {} }]);
    expect((await t.http.get(`/api/profiles/${userId}`).set(owner())).status).toBe(404);
    expect((await t.http.delete(`/api/profiles/${userId}`).set(owner())).status).toBe(404);
  });

  it("another workspace's profiles are invisible", async () => {
    const other = await t.workspace();
    const userId = `private-${uniqueSuffix()}`;
    await t.http
      .put(`/api/profiles/${userId}`)
      .set(owner())
      .send({ traits: { secret: true } });
    const asOther = { Authorization: `Bearer ${other.keys.owner}` };
    expect((await t.http.get(`/api/profiles/${userId}`).set(asOther)).status).toBe(404);
    expect((await t.http.get('/api/profiles').query({ userId }).set(asOther)).body.data).toEqual([]);
    expect((await t.http.delete(`/api/profiles/${userId}`).set(asOther)).status).toBe(404);
    expect((await t.http.get(`/api/profiles/${userId}`).set(owner())).status).toBe(200);
  });

  describe('bulk import', () => {
    it('imports CSV streamed with progress and per-row errors', async () => {
      const tag = uniqueSuffix();
      const rows = ['userId,email,plan,timezone'];
      for (let i = 0; i < 1200; i += 1) rows.push(`imp-${tag}-${i},imp${i}-${tag}@example.test,${i % 3 ? 'free' : 'pro'},Europe/Berlin`);
      rows.push(',nobody@example.test,free,', `imp-${tag}-bad,x@example.test,free,Not/AZone`);
      const res = await t.http.post('/api/profiles/import').set(owner()).set('Content-Type', 'text/csv').send(rows.join('\n'));
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/application\/x-ndjson/);
      const lines = res.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines.filter((l) => l.type === 'progress').length).toBeGreaterThanOrEqual(3);
      expect(lines.filter((l) => l.type === 'error').map((l) => l.row)).toEqual([1202, 1203]);
      expect(lines[lines.length - 1]).toEqual({ type: 'done', processed: 1202, imported: 1200, failed: 2 });
      const pro = await t.http.get(`/api/profiles/imp-${tag}-3`).set(owner());
      expect(pro.body).toMatchObject({ email: `imp3-${tag}@example.test`, timezone: 'Europe/Berlin', traits: { plan: 'pro' } });
    });

    it('imports NDJSON, merging into existing profiles; refuses other content types', async () => {
      const userId = `nd-${uniqueSuffix()}`;
      await t.http
        .put(`/api/profiles/${userId}`)
        .set(owner())
        .send({ traits: { kept: true } });
      const body = [
        JSON.stringify({ userId, traits: { plan: 'pro' }, contactPoints: [{ channel: 'push', value: 'tok-1' }] }),
        'not json',
        JSON.stringify({ traits: {} }),
      ].join('\n');
      const res = await t.http.post('/api/profiles/import').set(owner()).set('Content-Type', 'application/x-ndjson').send(body);
      const lines = res.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines[lines.length - 1]).toEqual({ type: 'done', processed: 3, imported: 1, failed: 2 });
      const profile = await t.http.get(`/api/profiles/${userId}`).set(owner());
      expect(profile.body.traits).toEqual({ kept: true, plan: 'pro' });
      expect(profile.body.contactPoints.map((c: { channel: string }) => c.channel)).toEqual(['push']);
      expect((await t.http.post('/api/profiles/import').set(owner()).send({ rows: [] })).status).toBe(400);
    });
  });
});
