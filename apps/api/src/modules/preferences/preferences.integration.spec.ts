import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { NotFoundError } from '../../infra/http/errors.js';
import { startTestApp, type TestApp, type TestWorkspace, uniqueSuffix } from '../../testing/test-app.js';
import { PreferenceLinks } from './preference-links.js';
import { PreferencesService } from './preferences.service.js';

describe('topics, preferences and the hosted pages (integration)', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let db: DataSource;
  let preferences: PreferencesService;
  const as = (role: 'owner' | 'editor' | 'viewer', workspace = ws) => ({ Authorization: `Bearer ${workspace.keys[role]}` });
  const pathOf = (url: string) => new URL(url).pathname;

  beforeAll(async () => {
    // Without the admin SPA: these tests are about the core's own pages.
    t = await startTestApp({ ITINERA_ADMIN_DIST: join(tmpdir(), `itinera-no-admin-${uniqueSuffix()}`) });
    ws = await t.workspace();
    db = t.app.get(DataSource);
    preferences = t.app.get(PreferencesService);
  });
  afterAll(() => t.close());

  const topic = async (key: string, defaultPreference: string, extra: Record<string, unknown> = {}, workspace = ws) => {
    const res = await t.http
      .post('/api/topics')
      .set(as('editor', workspace))
      .send({ key, name: key[0].toUpperCase() + key.slice(1), defaultPreference, ...extra });
    expect(res.status).toBe(201);
    return res.body;
  };
  const profile = async (traits: Record<string, unknown> = {}, workspace = ws): Promise<{ userId: string; id: string }> => {
    const userId = `u-${uniqueSuffix()}`;
    const res = await t.http
      .put(`/api/profiles/${userId}`)
      .set(as('owner', workspace))
      .send({ traits: { email: `${userId}@example.test`, ...traits } });
    expect(res.status).toBe(200);
    return { userId, id: res.body.id };
  };
  const rowCount = async (profileId: string) =>
    (await db.query('SELECT count(*)::int AS n FROM preferences WHERE profile_id = $1', [profileId]))[0].n as number;

  it('topics: CRUD with validation, conflicts and roles', async () => {
    const key = `crud-${uniqueSuffix()}`;
    const created = await t.http
      .post('/api/topics')
      .set(as('editor'))
      .send({ key, name: 'Security alerts', description: 'Sign-ins', defaultPreference: 'required', bypassQuietHours: true });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      key,
      name: 'Security alerts',
      description: 'Sign-ins',
      defaultPreference: 'required',
      bypassQuietHours: true,
      exemptFromCaps: false,
    });

    const duplicate = await t.http.post('/api/topics').set(as('editor')).send({ key, name: 'Again', defaultPreference: 'opted_in' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.message).toContain(key);

    const bad = await t.http
      .post('/api/topics')
      .set(as('editor'))
      .send({ key: 'Not A Slug', name: '', defaultPreference: 'maybe', bypassQuietHours: 'yes', colour: 'red' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'bypassQuietHours',
      'colour',
      'defaultPreference',
      'key',
      'name',
    ]);
    expect(bad.body.errors.find((e: { field: string }) => e.field === 'key').messages[0]).toMatch(/slug/);

    expect((await t.http.get('/api/topics').set(as('viewer'))).body.map((x: { key: string }) => x.key)).toContain(key);
    expect((await t.http.get(`/api/topics/${key}`).set(as('viewer'))).body.name).toBe('Security alerts');
    expect((await t.http.get('/api/topics/nope').set(as('viewer'))).status).toBe(404);
    expect((await t.http.get('/api/topics/%00').set(as('viewer'))).status).toBe(404);
    expect(
      (await t.http.post('/api/topics').set(as('editor')).send({ key: 'nul', name: 'a\u0000b', defaultPreference: 'opted_in' })).status,
    ).toBe(400);
    expect((await t.http.post('/api/topics').set(as('viewer')).send({ key: 'v', name: 'V', defaultPreference: 'opted_in' })).status).toBe(
      403,
    );

    const patched = await t.http
      .patch(`/api/topics/${key}`)
      .set(as('editor'))
      .send({ name: 'Security', description: null, exemptFromCaps: true });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      key,
      name: 'Security',
      description: null,
      defaultPreference: 'required',
      bypassQuietHours: true,
      exemptFromCaps: true,
    });
    expect((await t.http.patch(`/api/topics/${key}`).set(as('editor')).send({ key: 'renamed' })).status).toBe(400);
    expect((await t.http.patch(`/api/topics/${key}`).set(as('editor')).send({ defaultPreference: 'sometimes' })).status).toBe(400);
    expect((await t.http.patch('/api/topics/nope').set(as('editor')).send({ name: 'x' })).status).toBe(404);

    expect((await t.http.delete(`/api/topics/${key}`).set(as('editor'))).status).toBe(204);
    expect((await t.http.delete(`/api/topics/${key}`).set(as('editor'))).status).toBe(404);
    expect((await t.http.get(`/api/topics/${key}`).set(as('viewer'))).status).toBe(404);
  });

  describe('the decision and the preference API', () => {
    const news = `news-${uniqueSuffix()}`;
    const digest = `digest-${uniqueSuffix()}`;
    const billing = `billing-${uniqueSuffix()}`;

    beforeAll(async () => {
      await topic(news, 'opted_in');
      await topic(digest, 'opted_out');
      await topic(billing, 'required', { bypassQuietHours: true, exemptFromCaps: true });
    });

    it('default × opt-out × required × channel', async () => {
      const p = await profile();
      const decide = async (key: string | null, channel: string) => (await preferences.decide(ws.id, p.id, key, channel)).allowed;

      expect(await decide(news, 'email')).toBe(true);
      expect(await decide(digest, 'email')).toBe(false);
      expect(await decide(billing, 'email')).toBe(true);
      expect(await decide(null, 'email')).toBe(true);
      await expect(preferences.decide(ws.id, p.id, 'no-such-topic', 'email')).rejects.toBeInstanceOf(NotFoundError);

      const put = await t.http
        .put(`/api/profiles/${p.userId}/preferences/${news}`)
        .set(as('editor'))
        .send({ status: 'opted_out', channels: { sms: 'opted_in' } });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ key: news, status: 'opted_out', channels: { sms: 'opted_in' } });
      expect(put.body.effective).toMatchObject({ email: 'opted_out', sms: 'opted_in', push: 'opted_out' });
      expect(await decide(news, 'email')).toBe(false);
      expect(await decide(news, 'sms')).toBe(true);
      expect(await preferences.decide(ws.id, p.id, news, 'email')).toEqual({
        allowed: false,
        reason: `profile opted out of topic "${news}"`,
        topic: {
          key: news,
          name: news[0].toUpperCase() + news.slice(1),
          defaultPreference: 'opted_in',
          bypassQuietHours: false,
          exemptFromCaps: false,
        },
      });

      await t.http
        .put(`/api/profiles/${p.userId}/preferences/${digest}`)
        .set(as('editor'))
        .send({ channels: { email: 'opted_in' } });
      expect(await decide(digest, 'email')).toBe(true);
      expect(await decide(digest, 'push')).toBe(false);

      const required = await t.http
        .put(`/api/profiles/${p.userId}/preferences/${billing}`)
        .set(as('editor'))
        .send({ status: 'opted_out', channels: { email: 'opted_out' } });
      expect(required.body.effective.email).toBe('opted_in');
      expect(await decide(billing, 'email')).toBe(true);

      const matrix = await t.http.get(`/api/profiles/${p.userId}/preferences`).set(as('viewer'));
      expect(matrix.status).toBe(200);
      expect(matrix.body.userId).toBe(p.userId);
      expect(matrix.body.unsubscribedChannels).toEqual([]);
      const byKey = Object.fromEntries(matrix.body.topics.map((x: { key: string }) => [x.key, x]));
      expect(byKey[news]).toMatchObject({
        defaultPreference: 'opted_in',
        status: 'opted_out',
        channels: { sms: 'opted_in' },
        effective: { email: 'opted_out', sms: 'opted_in' },
      });
      expect(byKey[digest]).toMatchObject({
        defaultPreference: 'opted_out',
        status: null,
        channels: { email: 'opted_in' },
        effective: { email: 'opted_in', sms: 'opted_out' },
      });
      expect(byKey[billing].effective).toEqual(Object.fromEntries(Object.keys(byKey[billing].effective).map((c) => [c, 'opted_in'])));
      expect(Object.keys(byKey[news].effective)).toEqual(['email', 'sms', 'push', 'slack', 'teams', 'webhook', 'inapp']);

      // PUT replaces: an empty body goes back to the default.
      const reset = await t.http.put(`/api/profiles/${p.userId}/preferences/${news}`).set(as('editor')).send({});
      expect(reset.body).toMatchObject({ status: null, channels: {}, updatedAt: null });
      expect(await decide(news, 'email')).toBe(true);

      expect(await preferences.topic(ws.id, billing)).toEqual({
        key: billing,
        name: billing[0].toUpperCase() + billing.slice(1),
        defaultPreference: 'required',
        bypassQuietHours: true,
        exemptFromCaps: true,
      });
      expect(await preferences.topic(ws.id, 'nope')).toBeNull();
    });

    it('bad input is a 4xx with a clear message, never a 500', async () => {
      const p = await profile();
      const put = (body: unknown, key = news, userId = p.userId) =>
        t.http
          .put(`/api/profiles/${userId}/preferences/${key}`)
          .set(as('editor'))
          .send(body as object);
      expect((await put({ status: 'maybe' })).status).toBe(400);
      for (const channels of [{ '*': 'opted_out' }, { email: 'yes' }, { 'E mail': 'opted_out' }, 'email', ['email']]) {
        const res = await put({ channels });
        expect(res.status).toBe(400);
        expect(res.body.errors[0]).toMatchObject({ field: 'channels' });
      }
      expect((await put({ status: 'opted_out' }, 'no-such-topic')).status).toBe(404);
      expect((await put({ status: 'opted_out' }, news, 'nobody-here')).status).toBe(404);
      expect((await t.http.get('/api/profiles/nobody-here/preferences').set(as('viewer'))).status).toBe(404);
      expect((await t.http.get('/api/profiles/%00/preferences').set(as('viewer'))).status).toBe(404);
      expect((await put({ status: 'opted_out' }, '%00')).status).toBe(404);
      await expect(preferences.decide(ws.id, p.id, news, 'e\u0000mail')).rejects.toThrow(/not a channel name/);
      expect(
        (
          await t.http
            .put(`/api/profiles/${p.userId}/preferences`)
            .set(as('editor'))
            .send({ unsubscribedChannels: ['Email!'] })
        ).status,
      ).toBe(400);
      expect((await t.http.put(`/api/profiles/${p.userId}/preferences`).set(as('editor')).send({})).status).toBe(400);
      expect(
        (await t.http.put(`/api/profiles/${p.userId}/preferences/${news}`).set(as('viewer')).send({ status: 'opted_out' })).status,
      ).toBe(403);
      expect(await rowCount(p.id)).toBe(0);
    });

    it('hosted preference page: GET renders the topics, POST saves', async () => {
      const p = await profile();
      const links = preferences.unsubscribeLinks(ws.id, p.id, news, 'msg-page');
      const page = pathOf(links.preferencesUrl);

      const shown = await t.http.get(page);
      expect(shown.status).toBe(200);
      expect(shown.headers['content-type']).toMatch(/text\/html/);
      expect(shown.headers['cache-control']).toBe('no-store');
      expect(shown.headers['referrer-policy']).toBe('no-referrer');
      expect(shown.text).toContain(ws.name);
      expect(shown.text).toContain(`${p.userId[0]}••••••@example.test`);
      expect(shown.text).toContain(`name="on" value="${news}:email" checked`);
      expect(shown.text).toMatch(new RegExp(`name="on" value="${digest}:email" aria-label`));
      expect(shown.text).toContain(`disabled aria-label="${billing[0].toUpperCase() + billing.slice(1)} by E-mail (always sent)"`);
      expect(shown.text).not.toMatch(/<script/i);
      expect(await rowCount(p.id)).toBe(0);

      // Untick news, tick digest.
      const form = new URLSearchParams([
        ['box', `${news}:email`],
        ['box', `${digest}:email`],
        ['on', `${digest}:email`],
        ['offered', 'email'],
        ['receive', 'email'],
      ]);
      const saved = await t.http.post(page).type('form').send(form.toString());
      expect(saved.status).toBe(303);
      expect(saved.headers.location).toBe('?saved=1');
      expect((await preferences.decide(ws.id, p.id, news, 'email')).allowed).toBe(false);
      expect((await preferences.decide(ws.id, p.id, digest, 'email')).allowed).toBe(true);
      expect((await preferences.decide(ws.id, p.id, news, 'sms')).allowed).toBe(true);
      const rows = await db.query('SELECT topic_key, channel, status, source FROM preferences WHERE profile_id = $1 ORDER BY topic_key', [
        p.id,
      ]);
      expect(rows).toEqual(
        [
          { topic_key: digest, channel: 'email', status: 'opted_in', source: 'preference_page' },
          { topic_key: news, channel: 'email', status: 'opted_out', source: 'preference_page' },
        ].sort((a, b) => a.topic_key.localeCompare(b.topic_key)),
      );

      const after = await t.http.get(`${page}?saved=1`);
      expect(after.text).toContain('Your preferences are saved.');
      expect(after.text).toMatch(new RegExp(`name="on" value="${news}:email" aria-label`));
      expect(after.text).toContain(`name="on" value="${digest}:email" checked`);

      // Untick "all e-mail": nothing but required topics on e-mail.
      await t.http.post(page).type('form').send('offered=email');
      expect((await preferences.decide(ws.id, p.id, digest, 'email')).allowed).toBe(false);
      expect((await preferences.decide(ws.id, p.id, null, 'email')).allowed).toBe(false);
      expect((await preferences.decide(ws.id, p.id, billing, 'email')).allowed).toBe(true);
      expect((await t.http.get(page)).text).toContain('name="receive" value="email">');
      await t.http.post(page).type('form').send('offered=email&receive=email');
      expect((await preferences.decide(ws.id, p.id, digest, 'email')).allowed).toBe(true);
    });

    it('offers the channels the profile can be reached on', async () => {
      const p = await profile({ phone: '+33 6 12 34 56 78' });
      const page = await t.http.get(pathOf(preferences.unsubscribeLinks(ws.id, p.id, null).preferencesUrl));
      expect(page.text).toContain('name="receive" value="email"');
      expect(page.text).toContain('name="receive" value="sms"');
      expect(page.text).not.toContain('name="receive" value="push"');
    });

    it('one-click unsubscribe: POST without login answers 200, then decide says no', async () => {
      const p = await profile();
      const links = preferences.unsubscribeLinks(ws.id, p.id, news, 'msg-1');
      expect(links.headers).toEqual({
        'List-Unsubscribe': `<${links.oneClickUrl}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      });
      // A per-channel opt-in would otherwise keep the topic coming on that channel.
      await t.http
        .put(`/api/profiles/${p.userId}/preferences/${news}`)
        .set(as('editor'))
        .send({ channels: { email: 'opted_in' } });

      const res = await t.http.post(pathOf(links.oneClickUrl)).type('form').send('List-Unsubscribe=One-Click');
      expect(res.status).toBe(200);
      expect((await preferences.decide(ws.id, p.id, news, 'email')).allowed).toBe(false);
      expect((await preferences.decide(ws.id, p.id, news, 'push')).allowed).toBe(false);
      expect((await preferences.decide(ws.id, p.id, digest, 'email')).allowed).toBe(false);
      expect(
        await db.query('SELECT topic_key, channel, status, source, message_id FROM preferences WHERE profile_id = $1', [p.id]),
      ).toEqual([{ topic_key: news, channel: '*', status: 'opted_out', source: 'one_click', message_id: 'msg-1' }]);

      // Without a topic, as multipart: all e-mail except required topics.
      const all = preferences.unsubscribeLinks(ws.id, p.id, null, 'msg-2');
      const multipart = await t.http.post(pathOf(all.oneClickUrl)).field('List-Unsubscribe', 'One-Click');
      expect(multipart.status).toBe(200);
      expect((await preferences.decide(ws.id, p.id, null, 'email')).allowed).toBe(false);
      expect((await preferences.decide(ws.id, p.id, billing, 'email')).allowed).toBe(true);
      expect((await preferences.decide(ws.id, p.id, null, 'sms')).allowed).toBe(true);
      const matrix = await t.http.get(`/api/profiles/${p.userId}/preferences`).set(as('viewer'));
      expect(matrix.body.unsubscribedChannels).toEqual(['email']);

      // Support can undo it through the API.
      const undone = await t.http.put(`/api/profiles/${p.userId}/preferences`).set(as('editor')).send({ unsubscribedChannels: [] });
      expect(undone.status).toBe(200);
      expect(undone.body.unsubscribedChannels).toEqual([]);
      expect((await preferences.decide(ws.id, p.id, null, 'email')).allowed).toBe(true);

      // Any content type, even none, is accepted.
      const bare = await t.http
        .post(pathOf(preferences.unsubscribeLinks(ws.id, p.id, digest).oneClickUrl))
        .set('Content-Type', 'text/plain')
        .send('List-Unsubscribe=One-Click');
      expect(bare.status).toBe(200);
    });

    it('GET /unsubscribe only shows a confirmation; its button unsubscribes', async () => {
      const p = await profile();
      const links = preferences.unsubscribeLinks(ws.id, p.id, news);
      const confirm = await t.http.get(pathOf(links.unsubscribeUrl));
      expect(confirm.status).toBe(200);
      expect(confirm.text).toContain(`Unsubscribe from “${news[0].toUpperCase() + news.slice(1)}” messages?`);
      expect(confirm.text).toContain('<form method="post" action="">');
      expect(confirm.text).toContain(`href="../preferences/${links.unsubscribeUrl.split('/').pop()}"`);
      await t.http.head(pathOf(links.unsubscribeUrl));
      expect(await rowCount(p.id)).toBe(0);
      expect((await preferences.decide(ws.id, p.id, news, 'email')).allowed).toBe(true);

      const done = await t.http.post(pathOf(links.unsubscribeUrl)).type('form').send('confirm=unsubscribe');
      expect(done.status).toBe(200);
      expect(done.text).toContain('You are unsubscribed');
      expect((await preferences.decide(ws.id, p.id, news, 'email')).allowed).toBe(false);
      expect((await db.query('SELECT source FROM preferences WHERE profile_id = $1', [p.id]))[0].source).toBe('unsubscribe_link');

      const requiredPage = await t.http.get(pathOf(preferences.unsubscribeLinks(ws.id, p.id, billing).unsubscribeUrl));
      expect(requiredPage.status).toBe(200);
      expect(requiredPage.text).toContain('always sent');
    });

    it('bad, expired, tampered or stale links get an HTML page saying what to do, never a 500', async () => {
      const p = await profile();
      const token = pathOf(preferences.unsubscribeLinks(ws.id, p.id, news).unsubscribeUrl)
        .split('/')
        .pop()!;
      const [payload, signature] = token.split('.');
      const tampered = `${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), t: digest })).toString('base64url')}.${signature}`;
      const expired = t.app
        .get(PreferenceLinks)
        .sign({ workspaceId: ws.id, profileId: p.id, topicKey: news, expiresAt: new Date(Date.now() - 1000) });

      for (const [method, path] of [
        ['get', '/preferences/garbage'],
        ['post', '/preferences/garbage'],
        ['get', '/unsubscribe/garbage'],
        ['post', '/unsubscribe/garbage'],
        ['get', `/unsubscribe/${tampered}`],
        ['post', `/unsubscribe/${tampered}`],
        ['post', `/preferences/${tampered}`],
      ] as const) {
        const res = await t.http[method](path).type('form').send('List-Unsubscribe=One-Click');
        expect([method, path, res.status]).toEqual([method, path, 400]);
        expect(res.headers['content-type']).toMatch(/text\/html/);
        expect(res.text).toContain('This link is not valid');
      }
      const old = await t.http.post(`/unsubscribe/${expired}`).type('form').send('List-Unsubscribe=One-Click');
      expect(old.status).toBe(400);
      expect(old.text).toContain('This link has expired');
      expect(await rowCount(p.id)).toBe(0);

      const tooBig = await t.http
        .post(`/preferences/${token}`)
        .type('form')
        .send(`box=${'x'.repeat(70_000)}`);
      expect(tooBig.status).toBe(400);
      expect(tooBig.text).toContain('could not be read');

      await t.http.delete(`/api/profiles/${p.userId}`).set(as('owner'));
      const gone = await t.http.get(`/preferences/${token}`);
      expect(gone.status).toBe(404);
      expect(gone.text).toContain('This link no longer applies');
      expect((await t.http.post(`/unsubscribe/${token}`).type('form').send('List-Unsubscribe=One-Click')).status).toBe(404);
    });
  });

  it('workspaces are isolated', async () => {
    const other = await t.workspace();
    const key = `iso-${uniqueSuffix()}`;
    await topic(key, 'opted_in');
    const p = await profile();
    await t.http.put(`/api/profiles/${p.userId}/preferences/${key}`).set(as('editor')).send({ status: 'opted_out' });

    expect((await t.http.get('/api/topics').set(as('viewer', other))).body.map((x: { key: string }) => x.key)).not.toContain(key);
    expect((await t.http.get(`/api/topics/${key}`).set(as('viewer', other))).status).toBe(404);
    expect((await t.http.patch(`/api/topics/${key}`).set(as('editor', other)).send({ name: 'Mine' })).status).toBe(404);
    expect((await t.http.delete(`/api/topics/${key}`).set(as('editor', other))).status).toBe(404);
    expect((await t.http.get(`/api/profiles/${p.userId}/preferences`).set(as('viewer', other))).status).toBe(404);
    expect(
      (await t.http.put(`/api/profiles/${p.userId}/preferences/${key}`).set(as('editor', other)).send({ status: 'opted_in' })).status,
    ).toBe(404);

    // The same key is free in another workspace, and one workspace's choices never leak into the other's decisions.
    await topic(key, 'opted_in', {}, other);
    await expect(preferences.decide(other.id, p.id, key, 'email')).resolves.toMatchObject({ allowed: true });
    await expect(preferences.decide(ws.id, p.id, key, 'email')).resolves.toMatchObject({ allowed: false });
    await expect(preferences.decide(other.id, p.id, `missing-${key}`, 'email')).rejects.toBeInstanceOf(NotFoundError);
    expect((await t.http.get(`/api/topics/${key}`).set(as('viewer'))).body.name).toBe(key[0].toUpperCase() + key.slice(1));
  });

  it('the hosted pages are served when the admin SPA is built too (its fallback must not shadow them)', async () => {
    const adminDist = mkdtempSync(join(tmpdir(), 'itinera-admin-'));
    writeFileSync(join(adminDist, 'index.html'), '<!doctype html><title>Itinera admin</title>');
    const withSpa = await startTestApp({ ITINERA_ADMIN_DIST: adminDist });
    try {
      const p = await profile();
      const links = preferences.unsubscribeLinks(ws.id, p.id, null);
      for (const path of [pathOf(links.preferencesUrl), pathOf(links.unsubscribeUrl)]) {
        const res = await withSpa.http.get(path).set('Accept', 'text/html');
        expect([path, res.status, res.text.includes('Itinera admin')]).toEqual([path, 200, false]);
      }
      // A token is often not shaped like a file name (its signature may hold - or _), and a mangled one never is.
      for (const path of ['/preferences/not-a-token', '/unsubscribe/not_a-token']) {
        const res = await withSpa.http.get(path).set('Accept', 'text/html');
        expect([path, res.status, res.text.includes('This link is not valid')]).toEqual([path, 400, true]);
      }
    } finally {
      await withSpa.close();
    }
  });
});
