// The client for backends against the real, built API process (API and worker, PostgreSQL, Redis):
// events in, a journey run, a message out, profiles, and its errors.
import { randomBytes } from 'node:crypto';
import { type ApiProcess, isolatedStoreEnv, startApiProcess } from '@itinera/testing';
import { ApiError } from './fetcher.js';
import { Itinera } from './itinera.js';

const secretKey = `itn_sk_${randomBytes(12).toString('hex')}`;
const writeKey = `itn_wk_${randomBytes(12).toString('hex')}`;

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Itinera, the client for backends (integration: real API process)', () => {
  let api: ApiProcess;
  let itinera: Itinera;
  const userId = `ada-${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    api = await startApiProcess(
      { ...isolatedStoreEnv('sdk'), ITINERA_BOOTSTRAP_SECRET_KEY: secretKey, ITINERA_BOOTSTRAP_WRITE_KEY: writeKey },
      60_000,
    );
    itinera = new Itinera({ baseUrl: `${api.url}/`, secretKey, writeKey });
  }, 90_000);

  afterAll(async () => {
    await api?.stop();
  });

  it('identifies a user, whose profile then has the traits', async () => {
    await itinera.identify({ userId, traits: { name: 'Ada', email: 'ada@example.test', plan: 'trial' } });
    const profile = await until(
      'the profile',
      async () => (await itinera.profiles.get(userId)).traits.name === 'Ada' && itinera.profiles.get(userId),
    );
    expect(profile).toMatchObject({ userId, email: 'ada@example.test', traits: { plan: 'trial' } });
    expect((await itinera.profiles.list({ q: userId })).data.map((p) => p.userId)).toEqual([userId]);
  });

  it('creates and publishes a journey, and a tracked event runs it to the end', async () => {
    const journey = await itinera.journeys.create({
      name: `Onboarding ${userId}`,
      nodes: [
        { id: 'start', type: 'trigger', config: { event: 'signed_up' } },
        { id: 'mark', type: 'update_profile', config: { set: { onboarded: true } } },
        { id: 'done', type: 'exit' },
      ],
      edges: [
        { from: 'start', to: 'mark' },
        { from: 'mark', to: 'done' },
      ],
    });
    expect((await itinera.journeys.publish(journey.id, 'First version')).version).toBe(1);
    expect((await itinera.journeys.list()).map((j) => j.id)).toContain(journey.id);

    await itinera.track({ userId, event: 'signed_up', properties: { plan: 'trial' } });
    const run = await until('the run to complete', async () => {
      const [first] = (await itinera.journeys.runs(journey.id, { userId })).data;
      return first?.status === 'completed' && first;
    });
    expect((await itinera.journeys.run(run.id)).steps.map((s) => s.nodeId)).toEqual(['start', 'mark', 'done']);
    expect((await itinera.profiles.get(userId)).traits.onboarded).toBe(true);
  }, 40_000);

  it('sends a message and answers its request id; updates and erases the profile', async () => {
    const created = await fetch(`${api.url}/api/templates`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${secretKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ key: 'hello', name: 'Hello', content: { inapp: { title: 'Hi {{ profile.traits.name }}', body: 'Welcome' } } }),
    });
    expect(created.status).toBe(201);
    await fetch(`${api.url}/api/templates/hello/publish`, { method: 'POST', headers: { Authorization: `Bearer ${secretKey}` } });

    const { requestId } = await itinera.send(
      { to: { user_id: userId }, template: 'hello', routing: { method: 'single', channels: ['inapp'] } },
      { idempotencyKey: `hello-${userId}` },
    );
    const again = await itinera.send(
      { to: { user_id: userId }, template: 'hello', routing: { method: 'single', channels: ['inapp'] } },
      { idempotencyKey: `hello-${userId}` },
    );
    expect(again.requestId).toBe(requestId);
    await until('the in-app message to be sent', async () => {
      const response = await fetch(`${api.url}/api/messages?requestId=${requestId}`, { headers: { Authorization: `Bearer ${secretKey}` } });
      const page = (await response.json()) as { data: Array<{ status: string }> };
      return page.data.length === 1 && page.data[0].status === 'sent';
    });

    expect((await itinera.profiles.update(userId, { traits: { plan: 'pro' } })).traits).toMatchObject({ name: 'Ada', plan: 'pro' });
    await itinera.profiles.erase(userId);
    const gone = await itinera.profiles.get(userId).catch((error: unknown) => error);
    expect(gone).toBeInstanceOf(ApiError);
    expect((gone as ApiError).status).toBe(404);
  }, 40_000);

  it('says what is missing or wrong', async () => {
    expect(() => new Itinera({ baseUrl: '' })).toThrow(/baseUrl is required/);
    await expect(new Itinera({ baseUrl: api.url, secretKey }).track({ userId, event: 'x' })).rejects.toThrow(/need a writeKey/);
    await expect(new Itinera({ baseUrl: api.url, writeKey }).journeys.list()).rejects.toThrow(/needs a secretKey/);
    const refused = await new Itinera({ baseUrl: api.url, secretKey: `itn_sk_${'0'.repeat(24)}` }).journeys.list().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).status).toBe(401);
    const invalid = await itinera.journeys.create({ name: '' }).catch((e: unknown) => e);
    expect((invalid as ApiError).status).toBe(400);
    expect((invalid as ApiError).message).toMatch(/name/);
  });
});
