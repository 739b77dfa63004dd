import { ChannelsService } from '../../plugins/channels.service.js';
import { TopicsService } from '../../preferences/topics.service.js';
import { SettingsService } from '../../settings/settings.service.js';
import { TemplateRenderer } from '../../templates/template-renderer.js';
import { startTestApp, type TestApp, type TestWorkspace, uniqueSuffix } from '../../../testing/test-app.js';
import { SHARED_CACHE_MAX_AGE_MS } from '../../../infra/cache/shared-cache.js';

/** Waits for `read` to give `expected`, well within the caches' maximum age: only an announcement explains it. */
async function eventually<T>(read: () => Promise<T>, expected: T): Promise<void> {
  const deadline = Date.now() + SHARED_CACHE_MAX_AGE_MS / 2;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (JSON.stringify(last) === JSON.stringify(expected)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(last).toEqual(expected);
}

describe('what the send path caches, across processes (integration)', () => {
  // Two app instances on one database and one Redis prefix: an API where people change things, and a process that sends.
  let api: TestApp;
  let sender: TestApp;
  let ws: TestWorkspace;
  const owner = () => ({ Authorization: `Bearer ${ws.keys.owner}` });

  beforeAll(async () => {
    const prefix = `${process.env.REDIS_PREFIX}_${uniqueSuffix()}`;
    api = await startTestApp({ REDIS_PREFIX: prefix });
    sender = await startTestApp({ REDIS_PREFIX: prefix });
    ws = await api.workspace();
  });
  afterAll(async () => {
    await sender?.close();
    await api?.close();
  });

  it('delivery settings changed in one process are read anew in the other', async () => {
    const settings = sender.app.get(SettingsService);
    expect((await settings.get(ws.id)).cooldownSeconds).toBeUndefined();
    expect((await api.http.patch('/api/settings').set(owner()).send({ cooldownSeconds: 120 })).status).toBe(200);
    await eventually(async () => (await settings.get(ws.id)).cooldownSeconds, 120);
  });

  it('a provider created, disabled or removed is seen by the sending process', async () => {
    const channels = sender.app.get(ChannelsService);
    const ids = async () => (await channels.providersFor(ws.id, 'webhook')).map((p) => p.id);
    expect(await ids()).toEqual([]);
    const created = await api.http
      .post('/api/channels')
      .set(owner())
      .send({ pluginId: '@itinera/channel-webhook/webhook', name: 'Hooks', config: { signingSecret: `whsec_${'a'.repeat(32)}` } });
    expect(created.status).toBe(201);
    await eventually(ids, [created.body.id]);
    expect((await api.http.patch(`/api/channels/${created.body.id}`).set(owner()).send({ enabled: false })).status).toBe(200);
    await eventually(ids, []);
  });

  it('a topic created or changed is seen by the sending process, and so is a template published again', async () => {
    const topics = sender.app.get(TopicsService);
    expect(await topics.info(ws.id, 'product-news')).toBeNull();
    const topic = { key: 'product-news', name: 'Product news', defaultPreference: 'opted_in' };
    expect((await api.http.post('/api/topics').set(owner()).send(topic)).status).toBe(201);
    await eventually(async () => (await topics.info(ws.id, 'product-news'))?.defaultPreference, 'opted_in');
    expect((await api.http.patch('/api/topics/product-news').set(owner()).send({ defaultPreference: 'opted_out' })).status).toBe(200);
    await eventually(async () => (await topics.info(ws.id, 'product-news'))?.defaultPreference, 'opted_out');

    const renderer = sender.app.get(TemplateRenderer);
    const content = (body: string) => ({ sms: { body } });
    const key = `news-${uniqueSuffix()}`;
    expect(
      (
        await api.http
          .post('/api/templates')
          .set(owner())
          .send({ key, name: 'News', content: content('First') })
      ).status,
    ).toBe(201);
    expect((await api.http.post(`/api/templates/${key}/publish`).set(owner()).send({})).status).toBe(201);
    const body = async () => (await renderer.render(ws.id, key, 'sms', { profile: {} })).sms?.body;
    expect(await body()).toBe('First');
    expect(
      (
        await api.http
          .patch(`/api/templates/${key}`)
          .set(owner())
          .send({ content: content('Second') })
      ).status,
    ).toBe(200);
    expect((await api.http.post(`/api/templates/${key}/publish`).set(owner()).send({})).status).toBe(201);
    await eventually(body, 'Second');
  });
});
