import { jest } from '@jest/globals';
import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { startTestApp, type TestApp, type TestWorkspace, uniqueSuffix } from '../../testing/test-app.js';
import { CompiledTemplate } from './compiled-template.js';
import { TemplateRenderer } from './template-renderer.js';
import { TemplateRenderError } from './template.errors.js';

const MJML = `<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>Hello {{ profile.traits.first_name | default: "there" }} ({{ profile.email }})</mj-text>
        <mj-button href="https://app.example/plans/{{ profile.traits.plan }}">See {{ data.feature }}</mj-button>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;

const content = () => ({
  email: { subject: 'Welcome {{ profile.traits.first_name }}', preheader: 'Your {{ profile.traits.plan }} plan', mjml: MJML },
  sms: { body: 'Hi {{ profile.traits.first_name }}, code {{ data.code }}' },
  locales: {
    fr: { email: { subject: 'Bienvenue {{ profile.traits.first_name }}' }, sms: { body: 'Salut {{ profile.traits.first_name }}' } },
  },
});

describe('templates API (integration)', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  const as = (role: 'owner' | 'editor' | 'viewer') => ({ Authorization: `Bearer ${ws.keys[role]}` });
  const editor = () => as('editor');
  const create = async (key: string, body: Record<string, unknown> = {}) => {
    const res = await t.http
      .post('/api/templates')
      .set(editor())
      .send({ key, name: `Template ${key}`, content: content(), ...body });
    expect(res.status).toBe(201);
    return res.body;
  };

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.workspace();
  });
  afterAll(() => t.close());

  it('creates, lists, reads, updates and deletes templates; keys are unique per workspace', async () => {
    const key = `welcome-${uniqueSuffix()}`;
    const created = await create(key, { description: 'First e-mail' });
    expect(created).toMatchObject({
      key,
      name: `Template ${key}`,
      description: 'First e-mail',
      channels: ['email', 'sms'],
      publishedVersion: null,
      published: null,
      hasUnpublishedChanges: true,
    });
    expect(created.content).toEqual(content());

    const duplicate = await t.http.post('/api/templates').set(editor()).send({ key, name: 'again', content: {} });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.errors).toEqual([{ field: 'key', messages: ['is already used by another template'] }]);

    const list = await t.http.get('/api/templates').set(as('viewer'));
    expect(list.status).toBe(200);
    expect(list.body.find((s: { key: string }) => s.key === key)).toMatchObject({
      key,
      channels: ['email', 'sms'],
      publishedVersion: null,
    });

    const patched = await t.http
      .patch(`/api/templates/${key}`)
      .set(editor())
      .send({ name: 'Renamed', description: null, content: { sms: { body: 'Only SMS' } } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Renamed', description: null, channels: ['sms'], content: { sms: { body: 'Only SMS' } } });
    expect(new Date(patched.body.draftUpdatedAt).getTime()).toBeGreaterThanOrEqual(new Date(created.draftUpdatedAt).getTime());

    expect((await t.http.get(`/api/templates/${key}`).set(as('viewer'))).body.name).toBe('Renamed');
    expect((await t.http.delete(`/api/templates/${key}`).set(editor())).status).toBe(204);
    expect((await t.http.get(`/api/templates/${key}`).set(editor())).status).toBe(404);
    expect((await t.http.delete(`/api/templates/${key}`).set(editor())).status).toBe(404);
    expect((await t.http.patch(`/api/templates/${key}`).set(editor()).send({ name: 'x' })).status).toBe(404);
  });

  it('viewers read and preview but cannot write', async () => {
    const key = `roles-${uniqueSuffix()}`;
    await create(key);
    expect((await t.http.post('/api/templates').set(as('viewer')).send({ key: 'v', name: 'v', content: {} })).status).toBe(403);
    expect((await t.http.patch(`/api/templates/${key}`).set(as('viewer')).send({ name: 'v' })).status).toBe(403);
    expect((await t.http.post(`/api/templates/${key}/publish`).set(as('viewer')).send({})).status).toBe(403);
    expect((await t.http.delete(`/api/templates/${key}`).set(as('viewer'))).status).toBe(403);
    expect((await t.http.post(`/api/templates/${key}/preview`).set(as('viewer')).send({ channel: 'sms' })).status).toBe(200);
    expect((await t.http.get('/api/templates')).status).toBe(401);
  });

  it('publishes immutable numbered versions; an unchanged draft publishes nothing new', async () => {
    const key = `publish-${uniqueSuffix()}`;
    await create(key);
    const first = await t.http.post(`/api/templates/${key}/publish`).set(editor()).send({ note: 'first' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ key, version: 1, note: 'first', channels: ['email', 'sms'], content: content() });
    expect(first.body.publishedBy).toMatch(/^api_key:/);

    const again = await t.http.post(`/api/templates/${key}/publish`).set(editor()).send({ note: 'ignored' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ version: 1, note: 'first' });

    const draft = { sms: { body: 'Version two {{ profile.userId }}' } };
    await t.http.patch(`/api/templates/${key}`).set(editor()).send({ content: draft });
    const pending = await t.http.get(`/api/templates/${key}`).set(editor());
    expect(pending.body).toMatchObject({
      publishedVersion: 1,
      hasUnpublishedChanges: true,
      channels: ['sms'],
      published: { version: 1, channels: ['email', 'sms'] },
    });

    const second = await t.http.post(`/api/templates/${key}/publish`).set(editor()).send({});
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ version: 2, note: null, content: draft });
    expect((await t.http.get(`/api/templates/${key}`).set(editor())).body).toMatchObject({
      publishedVersion: 2,
      hasUnpublishedChanges: false,
    });

    const versions = await t.http.get(`/api/templates/${key}/versions`).set(as('viewer'));
    expect(versions.body.map((v: { version: number; channels: string[] }) => [v.version, v.channels])).toEqual([
      [2, ['sms']],
      [1, ['email', 'sms']],
    ]);
    const v1 = await t.http.get(`/api/templates/${key}/versions/1`).set(as('viewer'));
    expect(v1.body.content).toEqual(content());
    expect((await t.http.get(`/api/templates/${key}/versions/3`).set(editor())).status).toBe(404);
    expect((await t.http.get(`/api/templates/${key}/versions/abc`).set(editor())).status).toBe(400);

    // Versions cannot be changed, even directly in the database.
    const db = t.app.get(DataSource);
    await expect(db.query(`UPDATE template_versions SET note = 'x' WHERE workspace_id = $1`, [ws.id])).rejects.toThrow(/immutable/);
    // Sends use the published version, whatever the draft says.
    await t.http
      .patch(`/api/templates/${key}`)
      .set(editor())
      .send({ content: { sms: { body: 'draft only' } } });
    const renderer = t.app.get(TemplateRenderer);
    expect((await renderer.render(ws.id, key, 'sms', { profile: { userId: 'u9' } })).sms).toEqual({ body: 'Version two u9' });
    expect((await renderer.render(ws.id, key, 'sms', { profile: {} }, { version: 'draft' })).sms).toEqual({ body: 'draft only' });
    expect((await renderer.render(ws.id, key, 'email', { profile: { traits: { first_name: 'Al' } } }, { version: 1 })).email!.subject).toBe(
      'Welcome Al',
    );
    expect(await renderer.channels(ws.id, key)).toEqual(['sms']);
    expect(await renderer.channels(ws.id, key, 1)).toEqual(['email', 'sms']);

    // Deleting a published template takes its versions with it.
    expect((await t.http.delete(`/api/templates/${key}`).set(editor())).status).toBe(204);
    expect(
      (
        await db.query('SELECT count(*)::int AS n FROM template_versions WHERE workspace_id = $1 AND content = $2::jsonb', [
          ws.id,
          JSON.stringify(draft),
        ])
      )[0].n,
    ).toBe(0);
    await expect(renderer.render(ws.id, key, 'sms', { profile: {} })).rejects.toThrow(/No template with key/);
  });

  it('concurrent publishes of one draft make one version', async () => {
    const key = `race-${uniqueSuffix()}`;
    await create(key);
    const results = await Promise.all(Array.from({ length: 5 }, () => t.http.post(`/api/templates/${key}/publish`).set(editor()).send({})));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.body.version))).toEqual(new Set([1]));
    expect((await t.http.get(`/api/templates/${key}/versions`).set(editor())).body).toHaveLength(1);
  });

  it('refuses to publish a draft without any channel (409)', async () => {
    const key = `empty-${uniqueSuffix()}`;
    await create(key, { content: {} });
    const res = await t.http.post(`/api/templates/${key}/publish`).set(editor()).send({});
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/no channel content/);
    expect((await t.http.post('/api/templates/nope-missing/publish').set(editor()).send({})).status).toBe(404);
  });

  it('previews a channel against a real profile, in its locale, with sample data', async () => {
    const key = `preview-${uniqueSuffix()}`;
    await create(key);
    const userId = `p-${uniqueSuffix()}`;
    const put = await t.http
      .put(`/api/profiles/${userId}`)
      .set(as('owner'))
      .send({ traits: { first_name: 'Ada', plan: 'pro', email: 'ada@example.test' }, locale: 'fr-CA' });
    expect(put.status).toBe(200);

    const email = await t.http
      .post(`/api/templates/${key}/preview`)
      .set(editor())
      .send({ channel: 'email', userId, data: { feature: 'Journeys' } });
    expect(email.status).toBe(200);
    expect(email.body).toMatchObject({
      templateKey: key,
      version: 'draft',
      channel: 'email',
      locale: 'fr',
      email: { subject: 'Bienvenue Ada', preheader: 'Your pro plan' },
    });
    expect(email.body.email.html).toContain('Hello Ada (ada@example.test)');
    expect(email.body.email.html).toContain('https://app.example/plans/pro');
    expect(email.body.email.text).toContain('See Journeys [https://app.example/plans/pro]');

    const english = await t.http
      .post(`/api/templates/${key}/preview`)
      .set(editor())
      .send({ channel: 'sms', userId, locale: null, data: { code: '42' } });
    expect(english.body).toMatchObject({ locale: null, sms: { body: 'Hi Ada, code 42' } });
    const anonymous = await t.http.post(`/api/templates/${key}/preview`).set(editor()).send({ channel: 'sms' });
    expect(anonymous.body.sms.body).toBe('Hi , code ');

    // A made-up profile, not stored: its traits and locale fill the preview.
    const madeUp = await t.http
      .post(`/api/templates/${key}/preview`)
      .set(editor())
      .send({ channel: 'email', profile: { traits: { first_name: 'Grace', plan: 'trial' }, email: 'grace@example.test', locale: 'fr' } });
    expect(madeUp.status).toBe(200);
    expect(madeUp.body).toMatchObject({ locale: 'fr', email: { subject: 'Bienvenue Grace', preheader: 'Your trial plan' } });
    const both = await t.http
      .post(`/api/templates/${key}/preview`)
      .set(editor())
      .send({ channel: 'sms', userId, profile: { traits: {} } });
    expect(both.status).toBe(400);
    expect(both.body.message).toContain('either userId');
    const badZone = await t.http
      .post(`/api/templates/${key}/preview`)
      .set(editor())
      .send({ channel: 'sms', profile: { timezone: 'Mars/Olympus' } });
    expect(badZone.status).toBe(400);

    const unsaved = await t.http
      .post(`/api/templates/${key}/preview`)
      .set(editor())
      .send({ channel: 'push', userId, content: { push: { title: 'T {{ profile.traits.plan }}', body: '{{ unsubscribeUrl }}' } } });
    expect(unsaved.body.push).toEqual({ title: 'T pro', body: '#unsubscribe', data: {}, imageUrl: null });

    expect((await t.http.post(`/api/templates/${key}/preview`).set(editor()).send({ channel: 'sms', version: 'published' })).status).toBe(
      404,
    );
    expect((await t.http.post(`/api/templates/${key}/preview`).set(editor()).send({ channel: 'sms', userId: 'nobody-here' })).status).toBe(
      404,
    );
    expect((await t.http.post('/api/templates/unknown-template/preview').set(editor()).send({ channel: 'sms' })).status).toBe(404);
    expect((await t.http.post(`/api/templates/${key}/preview`).set(editor()).send({ channel: 'push' })).status).toBe(422);
    const bad = await t.http.post(`/api/templates/${key}/preview`).set(editor()).send({ channel: 'fax', version: 0, data: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['channel', 'data', 'version']);
  });

  it('a render failure at preview time is a 422 naming the field, never a 500', async () => {
    const key = `fails-${uniqueSuffix()}`;
    await create(key, { content: { sms: { body: 'At {{ data.at | date: "%H:%M", data.zone }}' } } });
    const res = await t.http
      .post(`/api/templates/${key}/preview`)
      .set(editor())
      .send({ channel: 'sms', data: { at: '2026-01-01T10:00:00Z', zone: 'Mars/Olympus' } });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      { field: 'content.sms.body', messages: [expect.stringMatching(/^line 1, column 4: Invalid time zone/)], line: 1, column: 4 },
    ]);
    await expect(
      t.app
        .get(TemplateRenderer)
        .render(ws.id, key, 'sms', { profile: {}, data: { at: '2026-01-01T10:00:00Z', zone: 'Nowhere/Land' } }, { version: 'draft' }),
    ).rejects.toBeInstanceOf(TemplateRenderError);
  });

  it('rejects broken Liquid and MJML when saved, with field path, line and column', async () => {
    const key = `broken-${uniqueSuffix()}`;
    const broken = {
      email: { subject: 'Hi {{ profile.traits.name | shout }}', mjml: MJML.replace('<mj-button href', '<mj-button colour="red" href') },
      sms: { body: 'line one\n{% if profile.traits.plan %}pro' },
      push: { title: 'x', body: '{% include "secrets.txt" %}' },
    };
    const res = await t.http.post('/api/templates').set(editor()).send({ key, name: 'Broken', content: broken });
    expect(res.status).toBe(400);
    const errors = Object.fromEntries(res.body.errors.map((e: { field: string }) => [e.field, e]));
    expect(Object.keys(errors).sort()).toEqual(['content.email.mjml', 'content.email.subject', 'content.push.body', 'content.sms.body']);
    expect(errors['content.email.subject']).toMatchObject({ line: 1, column: 4, messages: ['line 1, column 4: undefined filter: shout'] });
    expect(errors['content.email.mjml']).toMatchObject({
      line: 6,
      column: 9,
      messages: ['line 6, column 9: mj-button: Attribute colour is illegal'],
    });
    expect(errors['content.sms.body']).toMatchObject({ line: 2, column: 1 });
    expect(errors['content.push.body'].messages[0]).toMatch(/\{% include %\} is not available/);
    expect(res.body.message).toMatch(/content\.email\.subject: line 1, column 4/);
    expect((await t.http.get(`/api/templates/${key}`).set(editor())).status).toBe(404);

    await create(key, { content: { sms: { body: 'fine' } } });
    const patch = await t.http
      .patch(`/api/templates/${key}`)
      .set(editor())
      .send({ content: { sms: { body: 'fine' }, locales: { fr: { sms: { body: '{{ oops' } } } } });
    expect(patch.status).toBe(400);
    expect(patch.body.errors).toEqual([
      {
        field: 'content.locales.fr.sms.body',
        line: 1,
        column: 1,
        messages: [expect.stringMatching(/^line 1, column 1: output "\{\{ oops" not closed/)],
      },
    ]);
    expect((await t.http.get(`/api/templates/${key}`).set(editor())).body.content).toEqual({ sms: { body: 'fine' } });
  });

  it('bad request shapes → 400 with field names', async () => {
    const res = await t.http.post('/api/templates').set(editor()).send({ key: 'Not A Slug', name: '', content: 'nope', extra: 1 });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['content', 'extra', 'key', 'name']);
    const big = await t.http
      .post('/api/templates')
      .set(editor())
      .send({ key: `big-${uniqueSuffix()}`, name: 'Big', content: { sms: { body: 'x'.repeat(300 * 1024) } } });
    expect(big.status).toBe(400);
    expect(big.body.errors[0]).toMatchObject({ field: 'content', messages: [expect.stringMatching(/at most 256 KB/)] });
    const nul = await t.http
      .post('/api/templates')
      .set(editor())
      .send({ key: `nul-${uniqueSuffix()}`, name: 'a\u0000b', content: {} });
    expect(nul.status).toBe(400);
    expect((await t.http.get('/api/templates/%00').set(editor())).status).toBe(404);
    expect((await t.http.get(`/api/templates/${'x'.repeat(300)}`).set(editor())).status).toBe(404);
  });

  it('arbitrary content and preview bodies get a 2xx or 4xx, never a 500', async () => {
    const key = `fuzz-${uniqueSuffix()}`;
    await create(key);
    const liquidish = fc.oneof(
      fc.string(),
      fc.constantFrom('{{ x', '{% if %}', '{{ a | nope }}', '<mjml>', '<mjml><mj-body></mj-body></mjml>', '{% for i in (1..9) %}'),
    );
    const block = fc.dictionary(
      fc.constantFrom('subject', 'mjml', 'body', 'title', 'text', 'data', 'markdown', 'extra'),
      fc.oneof(liquidish, fc.jsonValue({ maxDepth: 2 })),
    );
    const content = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.dictionary(
        fc.constantFrom('email', 'sms', 'push', 'chat', 'inapp', 'webhook', 'locales', 'other'),
        fc.oneof(block, fc.jsonValue({ maxDepth: 2 })),
      ),
    );
    await fc.assert(
      fc.asyncProperty(content, async (value) => {
        const res = await t.http.patch(`/api/templates/${key}`).set(editor()).send({ content: value });
        expect([200, 400]).toContain(res.status);
        const preview = await t.http
          .post(`/api/templates/${key}/preview`)
          .set(editor())
          .send({ channel: 'email', data: { x: value } });
        expect([200, 400, 404, 422]).toContain(preview.status);
      }),
      { numRuns: 60 },
    );
  });

  it("another workspace's templates are invisible", async () => {
    const key = `private-${uniqueSuffix()}`;
    await create(key);
    const other = await t.workspace();
    const asOther = { Authorization: `Bearer ${other.keys.owner}` };
    expect((await t.http.get(`/api/templates/${key}`).set(asOther)).status).toBe(404);
    expect((await t.http.get('/api/templates').set(asOther)).body).toEqual([]);
    expect((await t.http.patch(`/api/templates/${key}`).set(asOther).send({ name: 'x' })).status).toBe(404);
    expect((await t.http.post(`/api/templates/${key}/publish`).set(asOther).send({})).status).toBe(404);
    expect((await t.http.post(`/api/templates/${key}/preview`).set(asOther).send({ channel: 'sms' })).status).toBe(404);
    expect((await t.http.delete(`/api/templates/${key}`).set(asOther)).status).toBe(404);
    expect(await t.app.get(TemplateRenderer).exists(other.id, key)).toBe(false);
    expect(await t.app.get(TemplateRenderer).exists(ws.id, key)).toBe(true);
    // The same key is free in the other workspace.
    expect(
      (
        await t.http
          .post('/api/templates')
          .set(asOther)
          .send({ key, name: 'Mine', content: { sms: { body: 'mine' } } })
      ).status,
    ).toBe(201);
    expect((await t.http.get(`/api/templates/${key}`).set(as('viewer'))).body.name).toBe(`Template ${key}`);
    // Deleting a workspace deletes its templates and versions.
    expect((await t.http.post(`/api/templates/${key}/publish`).set(asOther).send({})).status).toBe(201);
    expect((await t.app.get(TemplateRenderer).render(other.id, key, 'sms', { profile: {} })).sms).toEqual({ body: 'mine' });
    await expect(t.app.get(TemplateRenderer).render(other.id, key, 'email', { profile: {} })).rejects.toThrow(/has no email content/);
    const db = t.app.get(DataSource);
    await db.query('DELETE FROM workspaces WHERE id = $1', [other.id]);
    expect((await db.query('SELECT count(*)::int AS n FROM template_versions WHERE workspace_id = $1', [other.id]))[0].n).toBe(0);
  });

  it('compiles a published version once and renders it from memory afterwards', async () => {
    const key = `hot-${uniqueSuffix()}`;
    await create(key);
    await t.http.post(`/api/templates/${key}/publish`).set(editor()).send({});
    const compile = jest.spyOn(CompiledTemplate, 'compile');
    try {
      const renderer = t.app.get(TemplateRenderer);
      const renders = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          renderer.render(ws.id, key, 'sms', { profile: { traits: { first_name: `U${i}` } }, data: { code: i } }, { locale: null }),
        ),
      );
      expect(renders.map((r) => r.sms!.body)).toEqual(Array.from({ length: 20 }, (_, i) => `Hi U${i}, code ${i}`));
      expect(renders[0]).toMatchObject({ templateKey: key, version: 1, channel: 'sms', locale: null });
      expect(compile).toHaveBeenCalledTimes(1);
    } finally {
      compile.mockRestore();
    }
  });
});
