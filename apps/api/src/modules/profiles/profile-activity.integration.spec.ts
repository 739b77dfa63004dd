// A profile's runs across journeys (GET /api/profiles/{userId}/runs) and the live event feed
// (GET /api/events/stream), against the real application on PostgreSQL and Redis.
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { startTestApp, type TestApp, type TestWorkspace, uniqueSuffix } from '../../testing/test-app.js';
import { LiveEventFeed } from './live-events.js';

describe('profile activity', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let other: TestWorkspace;
  let baseUrl: string;
  const owner = (w = ws) => ({ Authorization: `Bearer ${w.keys.owner}` });
  const basic = (w = ws) => ({ Authorization: `Basic ${Buffer.from(`${w.writeKey}:`).toString('base64')}` });

  async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function publish(definition: Record<string, unknown>): Promise<string> {
    const created = await t.http.post('/api/journeys').set(owner()).send(definition);
    expect(created.status).toBe(201);
    expect((await t.http.post(`/api/journeys/${created.body.id}/publish`).set(owner()).send({})).status).toBe(201);
    return created.body.id as string;
  }

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.workspace();
    other = await t.workspace();
    await new Promise<void>((resolve) => t.app.getHttpServer().listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  describe('GET /api/profiles/{userId}/runs', () => {
    it("lists a profile's runs of every journey, newest first, with the step each is at", async () => {
      const waiting = await publish({
        name: `Waits ${uniqueSuffix()}`,
        nodes: [
          { id: 't', type: 'trigger', config: { api: true } },
          { id: 'hold', type: 'delay', name: 'Wait an hour', config: { seconds: 3600 } },
        ],
        edges: [{ from: 't', to: 'hold' }],
      });
      const quick = await publish({
        name: `Ends ${uniqueSuffix()}`,
        nodes: [
          { id: 't', type: 'trigger', config: { api: true } },
          { id: 'done', type: 'exit' },
        ],
        edges: [{ from: 't', to: 'done' }],
      });
      const userId = `runs-${uniqueSuffix()}`;
      await t.http.put(`/api/profiles/${userId}`).set(owner()).send({ traits: {} });
      const first = await t.http.post(`/api/journeys/${waiting}/invoke`).set(owner()).send({ userId });
      expect(first.status).toBe(201);
      await until('the run to wait', async () => {
        const run = (await t.http.get(`/api/runs/${first.body.runId}`).set(owner())).body;
        return run.status === 'waiting';
      });
      const second = await t.http.post(`/api/journeys/${quick}/invoke`).set(owner()).send({ userId });
      await until(
        'the second run to complete',
        async () => (await t.http.get(`/api/runs/${second.body.runId}`).set(owner())).body.status === 'completed',
      );

      const page = await t.http.get(`/api/profiles/${userId}/runs`).set(owner());
      expect(page.status).toBe(200);
      expect(page.body.nextCursor).toBeNull();
      expect(page.body.data).toEqual([
        expect.objectContaining({ id: second.body.runId, journeyId: quick, status: 'completed', version: 1, endedAt: expect.any(String) }),
        expect.objectContaining({
          id: first.body.runId,
          journeyId: waiting,
          journeyName: expect.stringMatching(/^Waits /),
          status: 'waiting',
          currentNode: 'hold',
          currentNodeName: 'Wait an hour',
          currentNodeType: 'delay',
          endedAt: null,
        }),
      ]);

      const waitingOnly = await t.http.get(`/api/profiles/${userId}/runs?status=waiting`).set(owner());
      expect(waitingOnly.body.data.map((r: { id: string }) => r.id)).toEqual([first.body.runId]);
      const one = await t.http.get(`/api/profiles/${userId}/runs?limit=1`).set(owner());
      expect(one.body.data).toHaveLength(1);
      const rest = await t.http.get(`/api/profiles/${userId}/runs?limit=1&cursor=${one.body.nextCursor}`).set(owner());
      expect(rest.body.data.map((r: { id: string }) => r.id)).toEqual([first.body.runId]);
      expect(rest.body.nextCursor).toBeNull();
    });

    it('answers 404 for a profile of another workspace, and 400 for bad filters', async () => {
      const userId = `private-${uniqueSuffix()}`;
      await t.http.put(`/api/profiles/${userId}`).set(owner()).send({ traits: {} });
      expect((await t.http.get(`/api/profiles/${userId}/runs`).set(owner(other))).status).toBe(404);
      expect((await t.http.get(`/api/profiles/${userId}/runs?status=sleeping`).set(owner())).status).toBe(400);
      expect((await t.http.get(`/api/profiles/${userId}/runs?limit=0`).set(owner())).status).toBe(400);
      expect((await t.http.get(`/api/profiles/${userId}/runs?cursor=nope`).set(owner())).status).toBe(400);
    });
  });

  describe('GET /api/events/stream', () => {
    /** Reads server-sent events from the live feed until `count` `event` messages have arrived. */
    async function collect(query: string, w: TestWorkspace, act: () => Promise<void>, count: number) {
      const controller = new AbortController();
      const response = await fetch(`${baseUrl}/api/events/stream${query}`, { headers: owner(w), signal: controller.signal });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      const events: Array<{ event: string | null; userId: string | null; properties: Record<string, unknown> }> = [];
      const read = async (until: (text: string) => boolean) => {
        while (!until(buffer)) {
          const { value, done } = await reader.read();
          if (done) throw new Error('the stream ended');
          buffer += value;
        }
      };
      await read((text) => text.includes('event: ready'));
      await act();
      const deadline = Date.now() + 15_000;
      while (events.length < count && Date.now() < deadline) {
        await read((text) => text.includes('\n\n'));
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = message.split('\n').find((line) => line.startsWith('data: '));
          if (message.includes('event: event') && data) events.push(JSON.parse(data.slice(6)));
        }
      }
      controller.abort();
      return events;
    }

    const track = (w: TestWorkspace, userId: string, event: string, properties: Record<string, unknown> = {}) =>
      t.http.post('/v1/track').set(basic(w)).send({ userId, event, properties });

    it('streams the events stored after it opened, filtered by name and user, and none of another workspace', async () => {
      const userId = `live-${uniqueSuffix()}`;
      const events = await collect(
        `?userId=${userId}&event=clicked`,
        ws,
        async () => {
          await track(other, userId, 'clicked', { n: 0 });
          await track(ws, userId, 'viewed', { n: 1 });
          await track(ws, `someone-else-${uniqueSuffix()}`, 'clicked', { n: 2 });
          await track(ws, userId, 'clicked', { n: 3 });
          await track(ws, userId, 'clicked', { n: 4 });
        },
        2,
      );
      expect(events.map((e) => [e.event, e.userId, e.properties.n])).toEqual([
        ['clicked', userId, 3],
        ['clicked', userId, 4],
      ]);
    });

    it('answers 400 for a bad filter and 401 without credentials', async () => {
      expect((await fetch(`${baseUrl}/api/events/stream?event=`, { headers: owner() })).status).toBe(400);
      expect((await fetch(`${baseUrl}/api/events/stream`)).status).toBe(401);
    });

    it('never skips an event whose transaction commits after one holding a higher id', async () => {
      const db = t.app.get(DataSource);
      const feed = await LiveEventFeed.start(db, ws.id, { event: 'ordered' });
      const insert = (runner: { query: (sql: string, params: unknown[]) => Promise<unknown> }, n: number) =>
        runner.query(
          `INSERT INTO events (workspace_id, message_id, type, event, user_id, properties, timestamp, received_at)
           VALUES ($1, $2, 'track', 'ordered', 'u', $3, now(), now())`,
          [ws.id, `ordered-${uniqueSuffix()}`, JSON.stringify({ n })],
        );
      const slow = db.createQueryRunner();
      await slow.connect();
      await slow.startTransaction();
      await insert(slow, 1); // takes the lower id, commits last
      await insert(db, 2);
      expect((await feed.poll()).map((e) => e.properties.n)).toEqual([2]);
      expect(await feed.poll()).toEqual([]);
      await slow.commitTransaction();
      await slow.release();
      expect((await feed.poll()).map((e) => e.properties.n)).toEqual([1]);
      await insert(db, 3);
      expect((await feed.poll()).map((e) => e.properties.n)).toEqual([3]);
      expect(await feed.poll()).toEqual([]);
    });
  });
});
