import { Analytics } from '@segment/analytics-node';
import RudderAnalytics from '@rudderstack/rudder-sdk-node';
import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { DataSource } from 'typeorm';
import { startTestApp, type TestApp, type TestWorkspace, uniqueSuffix } from '../../testing/test-app.js';
import { EventStream, STREAM_START } from '../stream/event-stream.service.js';
import { partitionOf, STREAM_PARTITIONS } from '../stream/stream.constants.js';

describe('ingestion (integration: PostgreSQL + Redis)', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let baseUrl: string;
  let db: DataSource;

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    baseUrl = await t.app.getUrl();
    baseUrl = baseUrl.replace('[::1]', '127.0.0.1');
    ws = await t.workspace();
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
  const count = async (sql: string, params: unknown[]) => Number((await db.query(sql, params))[0].n);
  const eventsOf = (userId: string) => count('SELECT count(*) AS n FROM events WHERE workspace_id = $1 AND user_id = $2', [ws.id, userId]);

  describe('auth', () => {
    it('missing, wrong and revoked write keys → 401; a secret key is not a write key', async () => {
      const body = { userId: 'u', event: 'x' };
      expect((await t.http.post('/v1/track').send(body)).status).toBe(401);
      expect((await t.http.post('/v1/track').set('Authorization', basic('itn_wk_doesnotexist00000000000000')).send(body)).status).toBe(401);
      expect((await t.http.post('/v1/track').set('Authorization', basic(ws.keys.owner)).send(body)).status).toBe(401);
      const created = await t.http
        .post('/api/api-keys')
        .set('Authorization', `Bearer ${ws.keys.owner}`)
        .send({ name: 'tmp', kind: 'write' });
      expect((await t.http.post('/v1/track').set('Authorization', basic(created.body.key)).send(body)).status).toBe(200);
      await t.http.delete(`/api/api-keys/${created.body.id}`).set('Authorization', `Bearer ${ws.keys.owner}`);
      const revoked = await t.http.post('/v1/track').set('Authorization', basic(created.body.key)).send(body);
      expect(revoked.status).toBe(401);
      expect(revoked.body.message).toMatch(/revoked/);
    });

    it('accepts the write key in the body', async () => {
      const res = await t.http.post('/v1/track').send({ writeKey: ws.writeKey, userId: `body-${uniqueSuffix()}`, event: 'x' });
      expect(res.status).toBe(200);
    });
  });

  describe('official SDKs', () => {
    it('@segment/analytics-node identifies and tracks; stored exactly once', async () => {
      const userId = `seg-${uniqueSuffix()}`;
      const analytics = new Analytics({ writeKey: ws.writeKey, host: baseUrl, flushAt: 10 });
      analytics.identify({ userId, traits: { email: `${userId}@Example.test`, plan: 'trial', timezone: 'Europe/Paris' } });
      analytics.track({ userId, event: 'signed_up', properties: { plan: 'trial' } });
      analytics.track({ userId, event: 'feature_activated', properties: { feature: 'canvas' } });
      await analytics.closeAndFlush({ timeout: 10_000 });

      expect(await eventsOf(userId)).toBe(3);
      const [profile] = await db.query('SELECT * FROM profiles WHERE workspace_id = $1 AND user_id = $2', [ws.id, userId]);
      expect(profile.traits).toMatchObject({ plan: 'trial' });
      expect(profile.email).toBe(`${userId}@example.test`);
      expect(profile.timezone).toBe('Europe/Paris');
      const points = await db.query('SELECT channel, value FROM contact_points WHERE profile_id = $1', [profile.id]);
      expect(points).toEqual([{ channel: 'email', value: `${userId}@example.test` }]);
    });

    it('@rudderstack/rudder-sdk-node (gzip on) identifies and tracks; the same batch sent twice is stored once', async () => {
      const userId = `rs-${uniqueSuffix()}`;
      const send = async () => {
        const client = new RudderAnalytics(ws.writeKey, { dataPlaneUrl: baseUrl, flushAt: 10, gzip: true, retryCount: 0 });
        // messageId is honoured by the SDK though its typings omit it.
        client.identify({ userId, traits: { name: 'Ada', phone: '+33 6 12 34 56 78' }, messageId: `${userId}-identify` } as Parameters<
          typeof client.identify
        >[0]);
        client.track({ userId, event: 'hit_limit', properties: { limit: 'seats' }, messageId: `${userId}-track` } as Parameters<
          typeof client.track
        >[0]);
        await new Promise<void>((resolve, reject) => client.flush((error?: unknown) => (error ? reject(error) : resolve())));
      };
      await send();
      await send();
      expect(await eventsOf(userId)).toBe(2);
      const [profile] = await db.query('SELECT traits, phone FROM profiles WHERE workspace_id = $1 AND user_id = $2', [ws.id, userId]);
      expect(profile).toMatchObject({ traits: { name: 'Ada' }, phone: '+33612345678' });
    });
  });

  describe('exactly once', () => {
    it('a batch sent twice, and the same messageId inside a batch, are stored once', async () => {
      const userId = `dup-${uniqueSuffix()}`;
      const batch = {
        batch: [
          { type: 'track', userId, event: 'a', messageId: `${userId}-1` },
          { type: 'track', userId, event: 'b', messageId: `${userId}-2` },
          { type: 'track', userId, event: 'b-again', messageId: `${userId}-2` },
        ],
      };
      const first = await t.http.post('/v1/batch').set('Authorization', basic(ws.writeKey)).send(batch);
      expect(first.body).toMatchObject({ success: true, accepted: 2, duplicates: 1, rejected: [] });
      const second = await t.http.post('/v1/batch').set('Authorization', basic(ws.writeKey)).send(batch);
      expect(second.body).toMatchObject({ success: true, accepted: 0, duplicates: 3 });
      expect(await eventsOf(userId)).toBe(2);
    });

    it('concurrent copies of one batch store each event once (unique constraint, no read-then-write race)', async () => {
      const userId = `race-${uniqueSuffix()}`;
      const batch = {
        batch: Array.from({ length: 50 }, (_, i) => ({
          type: 'track',
          userId,
          anonymousId: `anon-${userId}`,
          event: 'e',
          messageId: `${userId}-${i}`,
        })),
      };
      const results = await Promise.all(
        Array.from({ length: 6 }, () => t.http.post('/v1/batch').set('Authorization', basic(ws.writeKey)).send(batch)),
      );
      expect(results.every((r) => r.status === 200)).toBe(true);
      expect(results.reduce((sum, r) => sum + r.body.accepted, 0)).toBe(50);
      expect(await eventsOf(userId)).toBe(50);
      expect(await count('SELECT count(*) AS n FROM profiles WHERE workspace_id = $1 AND user_id = $2', [ws.id, userId])).toBe(1);
      expect(await count('SELECT count(*) AS n FROM events WHERE partition IS NOT NULL AND message_id LIKE $1', [`${userId}-%`])).toBe(50);
    });

    it("a known user's batch is stored at once; retried with one new event, only the new event changes the profile", async () => {
      const userId = `retry-${uniqueSuffix()}`;
      const identify = (messageId: string, traits: Record<string, unknown>) => ({
        type: 'identify',
        userId,
        traits,
        messageId: `${userId}-${messageId}`,
      });
      const send = async (...batch: unknown[]) =>
        (await t.http.post('/v1/batch').set('Authorization', basic(ws.writeKey)).send({ batch })).body;
      expect(await send(identify('1', { plan: 'a' }))).toMatchObject({ accepted: 1 }); // a new user: placed in a transaction
      expect(await send(identify('2', { plan: 'b' }), { type: 'track', userId, event: 'x', messageId: `${userId}-3` })).toMatchObject({
        accepted: 2,
      });
      const [profile] = await db.query('SELECT id, traits FROM profiles WHERE workspace_id = $1 AND user_id = $2', [ws.id, userId]);
      expect(profile.traits).toEqual({ plan: 'b' });
      // The known user's batch: its events and its profile change were written by one transaction.
      const xids = await db.query(
        `SELECT xid::text FROM events WHERE message_id = ANY($1) UNION SELECT xid::text FROM stream_entries WHERE profile_id = $2 AND payload->'traits' ? 'plan'
          AND xid = (SELECT xid FROM events WHERE message_id = $3)`,
        [[`${userId}-2`, `${userId}-3`], profile.id, `${userId}-2`],
      );
      expect(xids).toHaveLength(1);

      // An SDK retry holding the first event again and a new one: the old event is not applied twice.
      expect(await send(identify('1', { plan: 'a' }), identify('4', { seats: 3 }))).toMatchObject({ accepted: 1, duplicates: 1 });
      const [after] = await db.query('SELECT traits FROM profiles WHERE id = $1', [profile.id]);
      expect(after.traits).toEqual({ plan: 'b', seats: 3 });
      const changes = await db.query("SELECT payload FROM stream_entries WHERE profile_id = $1 AND kind = 'profile_updated' ORDER BY id", [
        profile.id,
      ]);
      expect(changes.map((c: { payload: { traits: string[] } }) => c.payload.traits)).toEqual([['plan'], ['plan'], ['seats']]);
      expect(await eventsOf(userId)).toBe(4);
    });

    it('a repeated messageId in another workspace is a different event', async () => {
      const other = await t.workspace();
      const body = { userId: 'same-user', event: 'x', messageId: `shared-${uniqueSuffix()}` };
      expect((await t.http.post('/v1/track').set('Authorization', basic(ws.writeKey)).send(body)).body.accepted).toBe(1);
      expect((await t.http.post('/v1/track').set('Authorization', basic(other.writeKey)).send(body)).body.accepted).toBe(1);
    });
  });

  describe('validation', () => {
    it('a batch stores its valid events and lists the rejected ones by index and reason', async () => {
      const userId = `mixed-${uniqueSuffix()}`;
      const res = await t.http
        .post('/v1/batch')
        .set('Authorization', basic(ws.writeKey))
        .send({
          batch: [
            { type: 'track', userId, event: 'ok' },
            { type: 'track', event: 'no-user' },
            { type: 'bogus', userId },
            { type: 'identify', userId, timestamp: 'not a date' },
          ],
        });
      expect(res.status).toBe(200);
      expect(res.body.accepted).toBe(1);
      expect(res.body.rejected.map((r: { index: number }) => r.index)).toEqual([1, 2, 3]);
      expect(res.body.rejected[0].reason).toMatch(/userId or anonymousId/);
      expect(await eventsOf(userId)).toBe(1);
    });

    it('no valid event, not JSON, over the limits, broken gzip → 400 with a clear message, nothing stored', async () => {
      const auth = { Authorization: basic(ws.writeKey) };
      const none = await t.http
        .post('/v1/batch')
        .set(auth)
        .send({ batch: [{ type: 'track' }] });
      expect(none.status).toBe(400);
      expect(none.body.message).toMatch(/No valid event/);
      const notJson = await t.http.post('/v1/batch').set(auth).set('Content-Type', 'application/json').send('{"batch": [');
      expect(notJson.status).toBe(400);
      expect(notJson.body.message).toMatch(/not valid JSON/);
      const tooMany = await t.http
        .post('/v1/batch')
        .set(auth)
        .send({ batch: Array.from({ length: 2501 }, () => ({ type: 'track', userId: 'u', event: 'e' })) });
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.message).toMatch(/limit is 2500/);
      const tooBig = await t.http
        .post('/v1/batch')
        .set(auth)
        .send({ batch: [{ type: 'track', userId: 'u', event: 'e', properties: { blob: 'x'.repeat(600 * 1024) } }] });
      expect(tooBig.status).toBe(400);
      expect(tooBig.body.message).toMatch(/larger than 500 KB/);
      const brokenGzip = await t.http
        .post('/v1/batch')
        .set(auth)
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', 'gzip')
        .send(Buffer.from('definitely not gzip'));
      expect(brokenGzip.status).toBe(400);
      const gzipOk = await fetch(`${baseUrl}/v1/track`, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
        body: gzipSync(JSON.stringify({ userId: `gz-${uniqueSuffix()}`, event: 'compressed' })),
      }).then(async (r) => ({ status: r.status, body: await r.json() }));
      expect(gzipOk.body).toMatchObject({ success: true, accepted: 1 });
      const unknown = await t.http.post('/v1/launch').set(auth).send({ userId: 'u' });
      expect(unknown.status).toBe(400);
    });

    it('property: malformed events never get a 500 and a rejected event stores nothing', async () => {
      const before = await count('SELECT count(*) AS n FROM events WHERE workspace_id = $1', [ws.id]);
      let accepted = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.oneof(
              fc.anything(),
              fc.record(
                {
                  type: fc.oneof(fc.constantFrom('track', 'identify', 'page', 'screen', 'group', 'alias'), fc.string()),
                  userId: fc.oneof(fc.string({ maxLength: 300 }), fc.integer(), fc.anything()),
                  anonymousId: fc.oneof(fc.string(), fc.anything()),
                  event: fc.oneof(fc.string(), fc.anything()),
                  groupId: fc.anything(),
                  previousId: fc.anything(),
                  messageId: fc.oneof(fc.string({ maxLength: 120 }), fc.anything()),
                  timestamp: fc.oneof(
                    fc.date().map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString())),
                    fc.string(),
                  ),
                  properties: fc.anything(),
                  traits: fc.anything(),
                  context: fc.anything(),
                },
                { requiredKeys: [] },
              ),
            ),
            { maxLength: 8 },
          ),
          async (batch) => {
            const res = await t.http.post('/v1/batch').set('Authorization', basic(ws.writeKey)).send({ batch });
            if (res.status >= 500) throw new Error(`500 for ${JSON.stringify(batch).slice(0, 500)}: ${JSON.stringify(res.body)}`);
            expect([200, 400]).toContain(res.status);
            if (res.status === 200) accepted += res.body.accepted;
          },
        ),
        { numRuns: 150 },
      );
      const after = await count('SELECT count(*) AS n FROM events WHERE workspace_id = $1', [ws.id]);
      expect(after - before).toBe(accepted);
    });
  });

  describe('profiles from events', () => {
    it('anonymous events are attributed to the known profile after identify; aliases merge too', async () => {
      const anon = `anon-${uniqueSuffix()}`;
      const userId = `known-${uniqueSuffix()}`;
      const auth = { Authorization: basic(ws.writeKey) };
      await t.http.post('/v1/page').set(auth).send({ anonymousId: anon, name: 'Pricing' });
      await t.http
        .post('/v1/track')
        .set(auth)
        .send({
          anonymousId: anon,
          event: 'viewed_pricing',
          context: { timezone: 'America/New_York', device: { token: 'push-token-1', type: 'ios' } },
        });
      await t.http
        .post('/v1/identify')
        .set(auth)
        .send({ anonymousId: anon, userId, traits: { email: `${userId}@example.test` } });

      const profiles = await db.query(
        `SELECT p.id, p.user_id, p.timezone FROM profiles p JOIN profile_anonymous_ids a ON a.profile_id = p.id WHERE a.workspace_id = $1 AND a.anonymous_id = $2`,
        [ws.id, anon],
      );
      expect(profiles).toHaveLength(1);
      expect(profiles[0]).toMatchObject({ user_id: userId, timezone: 'America/New_York' });
      expect(await count('SELECT count(*) AS n FROM events WHERE profile_id = $1', [profiles[0].id])).toBe(3);
      const channels = (await db.query('SELECT channel FROM contact_points WHERE profile_id = $1 ORDER BY channel', [profiles[0].id])).map(
        (r: { channel: string }) => r.channel,
      );
      expect(channels).toEqual(['email', 'push']);

      const laterAnon = `anon-${uniqueSuffix()}`;
      await t.http.post('/v1/track').set(auth).send({ anonymousId: laterAnon, event: 'opened_app' });
      const alias = await t.http.post('/v1/alias').set(auth).send({ previousId: laterAnon, userId });
      expect(alias.status).toBe(200);
      expect(await count('SELECT count(*) AS n FROM events WHERE profile_id = $1', [profiles[0].id])).toBe(5);
      expect(
        await count(
          'SELECT count(*) AS n FROM profiles WHERE workspace_id = $1 AND user_id IS NULL AND id IN (SELECT profile_id FROM profile_anonymous_ids WHERE anonymous_id = $2)',
          [ws.id, laterAnon],
        ),
      ).toBe(0);
    });

    it('group creates an account whose traits are part of the profile', async () => {
      const userId = `b2b-${uniqueSuffix()}`;
      const groupId = `acme-${uniqueSuffix()}`;
      const auth = { Authorization: basic(ws.writeKey) };
      await t.http
        .post('/v1/group')
        .set(auth)
        .send({ userId, groupId, traits: { name: 'Acme', tier: 'enterprise', seats: 40 } });
      await t.http
        .post('/v1/group')
        .set(auth)
        .send({ userId, groupId, traits: { seats: 45 } });
      const [row] = await db.query(
        'SELECT a.group_id, a.traits FROM profiles p JOIN accounts a ON a.id = p.account_id WHERE p.workspace_id = $1 AND p.user_id = $2',
        [ws.id, userId],
      );
      expect(row).toEqual({ group_id: groupId, traits: { name: 'Acme', tier: 'enterprise', seats: 45 } });
    });
  });

  describe('remembered profiles', () => {
    const owner = () => ({ Authorization: `Bearer ${ws.keys.owner}` });
    const profileOf = async (userId: string) =>
      (await db.query('SELECT id FROM profiles WHERE workspace_id = $1 AND user_id = $2', [ws.id, userId]))[0]?.id as string | undefined;

    it('places the events of an erased and returning user on a new profile', async () => {
      const userId = `erased-${uniqueSuffix()}`;
      const auth = { Authorization: basic(ws.writeKey) };
      expect((await t.http.post('/v1/track').set(auth).send({ userId, event: 'first' })).status).toBe(200);
      const before = await profileOf(userId);
      expect((await t.http.delete(`/api/profiles/${userId}`).set(owner())).status).toBe(204);
      expect((await t.http.post('/v1/track').set(auth).send({ userId, event: 'again' })).status).toBe(200);
      const after = await profileOf(userId);
      expect(after).toBeDefined();
      expect(after).not.toBe(before);
      expect(await db.query('SELECT event, profile_id FROM events WHERE workspace_id = $1 AND user_id = $2', [ws.id, userId])).toEqual([
        { event: 'again', profile_id: after },
      ]);
    });

    it('follows an anonymous id to the known profile it was merged into', async () => {
      const userId = `merged-${uniqueSuffix()}`;
      const anonymousId = `anon-${userId}`;
      const auth = { Authorization: basic(ws.writeKey) };
      expect((await t.http.post('/v1/track').set(auth).send({ anonymousId, event: 'browsed' })).status).toBe(200);
      expect(
        (
          await t.http
            .post('/v1/identify')
            .set(auth)
            .send({ userId, anonymousId, traits: { plan: 'pro' } })
        ).status,
      ).toBe(200);
      expect((await t.http.post('/v1/track').set(auth).send({ anonymousId, event: 'browsed again' })).status).toBe(200);
      const known = await profileOf(userId);
      const rows = await db.query('SELECT DISTINCT profile_id FROM events WHERE workspace_id = $1 AND anonymous_id = $2', [
        ws.id,
        anonymousId,
      ]);
      expect(rows).toEqual([{ profile_id: known }]);
    });
  });

  describe('hand-off stream', () => {
    it('publishes every stored event and profile change, in per-profile order', async () => {
      const userId = `stream-${uniqueSuffix()}`;
      const auth = { Authorization: basic(ws.writeKey) };
      await t.http
        .post('/v1/identify')
        .set(auth)
        .send({ userId, traits: { plan: 'pro' }, messageId: `${userId}-0` });
      for (let i = 1; i <= 5; i += 1)
        await t.http
          .post('/v1/track')
          .set(auth)
          .send({ userId, event: `step_${i}`, messageId: `${userId}-${i}` });
      await t.http
        .post('/v1/track')
        .set(auth)
        .send({ userId, event: 'step_5', messageId: `${userId}-5` }); // duplicate: not published

      const stream = t.app.get(EventStream);
      const [{ id: profileId }] = await db.query('SELECT id FROM profiles WHERE workspace_id = $1 AND user_id = $2', [ws.id, userId]);
      const mine = [];
      for (let partition = 0; partition < STREAM_PARTITIONS; partition += 1) {
        let position = STREAM_START;
        for (;;) {
          const entries = await stream.read(partition, position, 1000);
          if (entries.length === 0) break;
          mine.push(...entries.filter((e) => e.profileId === profileId));
          position = entries[entries.length - 1];
        }
      }
      expect(mine.map((e) => (e.kind === 'event' ? e.payload.messageId : e.kind))).toEqual([
        `${userId}-0`,
        'profile_updated',
        ...[1, 2, 3, 4, 5].map((i) => `${userId}-${i}`),
      ]);
      expect(new Set(mine.map((e) => e.partition)).size).toBe(1);
    });

    it("moves an anonymous profile's events of the same batch to the known profile's partition when they merge", async () => {
      const userId = `merge-stream-${uniqueSuffix()}`;
      const anonymousId = `anon-${userId}`;
      const result = await t.http
        .post('/v1/batch')
        .set({ Authorization: basic(ws.writeKey) })
        .send({
          batch: [
            { type: 'track', anonymousId, event: 'Viewed Pricing', messageId: `${userId}-a` },
            { type: 'identify', userId, anonymousId, traits: { plan: 'pro' }, messageId: `${userId}-b` },
          ],
        });
      expect(result.status).toBe(200);
      const [{ id: profileId }] = await db.query('SELECT id FROM profiles WHERE workspace_id = $1 AND user_id = $2', [ws.id, userId]);
      const stored = await db.query('SELECT message_id, profile_id, partition FROM events WHERE message_id LIKE $1 ORDER BY id', [
        `${userId}-%`,
      ]);
      expect(stored).toEqual([
        { message_id: `${userId}-a`, profile_id: profileId, partition: partitionOf(profileId) },
        { message_id: `${userId}-b`, profile_id: profileId, partition: partitionOf(profileId) },
      ]);

      const stream = t.app.get(EventStream);
      const mine = [];
      let position = STREAM_START;
      for (;;) {
        const entries = await stream.read(partitionOf(profileId), position, 1000);
        if (entries.length === 0) break;
        mine.push(...entries.filter((e) => e.profileId === profileId));
        position = entries[entries.length - 1];
      }
      expect(mine.map((e) => (e.kind === 'event' ? e.payload.messageId : e.kind))).toEqual([
        `${userId}-a`,
        `${userId}-b`,
        'profile_merged',
        'profile_updated',
      ]);
    });
  });
});
