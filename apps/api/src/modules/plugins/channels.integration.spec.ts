import { DataSource } from 'typeorm';
import { acmeSmsPackage, writePluginPackages } from '../../testing/plugin-fixtures.js';
import { startTestApp, type TestApp, type TestWorkspace } from '../../testing/test-app.js';
import { ChannelsService } from './channels.service.js';

const PLUGIN = 'acme-itinera-sms/acme-sms';

describe('plugins and provider configuration API (integration)', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  const owner = () => ({ Authorization: `Bearer ${ws.keys.owner}` });

  beforeAll(async () => {
    const dir = await writePluginPackages([acmeSmsPackage()]);
    t = await startTestApp({ ITINERA_PLUGIN_PATHS: dir, ITINERA_PLUGINS: 'acme-itinera-sms/*' });
    ws = await t.workspace();
  });
  afterAll(() => t.close());

  it('GET /api/plugins lists installed plugins with their schemas', async () => {
    const res = await t.http.get('/api/plugins').set({ Authorization: `Bearer ${ws.keys.viewer}` });
    expect(res.status).toBe(200);
    const acme = res.body.plugins.find((p: { id: string }) => p.id === PLUGIN);
    expect(acme).toMatchObject({
      packageName: 'acme-itinera-sms',
      manifest: { kind: 'channel', channel: 'sms', capabilities: { checkConfig: true } },
    });
    expect(acme.manifest.configSchema.properties.apiKey['x-secret']).toBe(true);
  });

  it('validates configuration against the plugin schema, stores secrets sealed, never returns them', async () => {
    const bad = await t.http
      .post('/api/channels')
      .set(owner())
      .send({ pluginId: PLUGIN, name: 'Acme', config: { sender: '', region: 'mars' } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/apiKey/);
    expect(bad.body.message).toMatch(/region/);

    const created = await t.http
      .post('/api/channels')
      .set(owner())
      .send({ pluginId: PLUGIN, name: 'Acme', config: { sender: 'ITINERA', apiKey: 'good-key' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      kind: 'channel',
      channel: 'sms',
      config: { sender: 'ITINERA', region: 'eu' },
      secretsSet: ['apiKey'],
      pluginInstalled: true,
    });
    expect(JSON.stringify(created.body)).not.toContain('good-key');
    const listed = await t.http.get('/api/channels?channel=sms').set(owner());
    expect(JSON.stringify(listed.body)).not.toContain('good-key');
    const [row] = await t.app.get(DataSource).query('SELECT * FROM provider_configs WHERE id = $1', [created.body.id]);
    expect(JSON.stringify(row)).not.toContain('good-key');
    expect(row.sealed_secrets).toMatch(/^v1\./);

    const ok = await t.http.post(`/api/channels/${created.body.id}/test`).set(owner());
    expect(ok.body).toEqual({ ok: true, message: 'Connected to Acme (eu) as ITINERA' });

    // Omitted secrets are kept; a new one replaces the stored value.
    await t.http
      .patch(`/api/channels/${created.body.id}`)
      .set(owner())
      .send({ config: { region: 'us' } });
    expect((await t.http.post(`/api/channels/${created.body.id}/test`).set(owner())).body).toEqual({
      ok: true,
      message: 'Connected to Acme (us) as ITINERA',
    });
    await t.http
      .patch(`/api/channels/${created.body.id}`)
      .set(owner())
      .send({ config: { apiKey: 'wrong-key' } });
    expect((await t.http.post(`/api/channels/${created.body.id}/test`).set(owner())).body).toEqual({
      ok: false,
      message: 'Acme rejected the API key',
    });
  });

  it('orders several providers of a channel by priority (fallback order) and resolves their contexts', async () => {
    const other = await t.workspace();
    const auth = { Authorization: `Bearer ${other.keys.owner}` };
    await t.http
      .post('/api/channels')
      .set(auth)
      .send({ pluginId: PLUGIN, name: 'Backup', priority: 10, config: { sender: 'B', apiKey: 'key-b' } });
    await t.http
      .post('/api/channels')
      .set(auth)
      .send({ pluginId: PLUGIN, name: 'Primary', priority: 1, config: { sender: 'A', apiKey: 'key-a' } });
    await t.http
      .post('/api/channels')
      .set(auth)
      .send({ pluginId: PLUGIN, name: 'Off', priority: 0, enabled: false, config: { sender: 'C', apiKey: 'key-c' } });
    const providers = await t.app.get(ChannelsService).providersFor(other.id, 'sms');
    expect(providers.map((p) => p.name)).toEqual(['Primary', 'Backup']);
    const ctx = providers[0].context({ idempotencyKey: 'k1' });
    expect(ctx).toMatchObject({
      config: { sender: 'A', region: 'eu' },
      secrets: { apiKey: 'key-a' },
      idempotencyKey: 'k1',
      workspaceId: other.id,
    });
  });

  it('rejects unknown plugins, duplicate names and non-owners; other workspaces see nothing', async () => {
    expect((await t.http.post('/api/channels').set(owner()).send({ pluginId: 'nope/nope', name: 'x', config: {} })).status).toBe(404);
    expect(
      (
        await t.http
          .post('/api/channels')
          .set(owner())
          .send({ pluginId: PLUGIN, name: 'Acme', config: { sender: 'x', apiKey: 'abcd' } })
      ).status,
    ).toBe(409);
    expect(
      (
        await t.http
          .post('/api/channels')
          .set({ Authorization: `Bearer ${ws.keys.editor}` })
          .send({ pluginId: PLUGIN, name: 'E', config: {} })
      ).status,
    ).toBe(403);
    const stranger = await t.workspace();
    const list = await t.http.get('/api/channels').set({ Authorization: `Bearer ${stranger.keys.owner}` });
    expect(list.body).toEqual([]);
    const mine = (await t.http.get('/api/channels').set(owner())).body[0];
    expect((await t.http.get(`/api/channels/${mine.id}`).set({ Authorization: `Bearer ${stranger.keys.owner}` })).status).toBe(404);
    expect((await t.http.post(`/api/channels/${mine.id}/test`).set({ Authorization: `Bearer ${stranger.keys.owner}` })).status).toBe(404);
  });
});
