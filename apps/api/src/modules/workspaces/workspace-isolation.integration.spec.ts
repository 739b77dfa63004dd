import { startTestApp, type TestApp, type TestWorkspace } from '../../testing/test-app.js';

describe('workspace isolation (integration)', () => {
  let t: TestApp;
  let a: TestWorkspace;
  let b: TestWorkspace;

  beforeAll(async () => {
    t = await startTestApp();
    [a, b] = [await t.workspace('Workspace A'), await t.workspace('Workspace B')];
  });
  afterAll(() => t.close());

  const asOwner = (ws: TestWorkspace) => ({ Authorization: `Bearer ${ws.keys.owner}` });

  it("lists only the caller's own keys and members", async () => {
    const aKeys = await t.http.get('/api/api-keys').set(asOwner(a));
    const bKeys = await t.http.get('/api/api-keys').set(asOwner(b));
    const aIds = new Set(aKeys.body.map((k: { id: string }) => k.id));
    expect(aKeys.body).toHaveLength(4);
    expect(bKeys.body.some((k: { id: string }) => aIds.has(k.id))).toBe(false);

    await t.user(b.id, 'editor');
    const aMembers = await t.http.get('/api/members').set(asOwner(a));
    expect(aMembers.body).toEqual([]);
  });

  it("cannot read, revoke or change another workspace's rows (404, nothing changed)", async () => {
    const bKeys = await t.http.get('/api/api-keys').set(asOwner(b));
    const bKeyId = bKeys.body[0].id;
    const revoke = await t.http.delete(`/api/api-keys/${bKeyId}`).set(asOwner(a));
    expect(revoke.status).toBe(404);
    const still = await t.http.get('/api/api-keys').set(asOwner(b));
    expect(still.body.find((k: { id: string }) => k.id === bKeyId).revokedAt).toBeNull();

    const bUser = await t.user(b.id, 'viewer');
    const bMembers = await t.http.get('/api/members').set(asOwner(b));
    const bUserId = bMembers.body.find((m: { email: string }) => m.email === bUser.email).userId;
    expect((await t.http.patch(`/api/members/${bUserId}`).set(asOwner(a)).send({ role: 'owner' })).status).toBe(404);
    expect((await t.http.delete(`/api/members/${bUserId}`).set(asOwner(a))).status).toBe(404);

    const ws = await t.http.get('/api/workspace').set(asOwner(a));
    expect(ws.body.id).toBe(a.id);
  });

  it('a session belongs to one workspace', async () => {
    const user = await t.user(a.id, 'owner');
    const login = await t.http.post('/api/auth/login').send(user);
    const cookie = (login.headers['set-cookie'][0] as string).split(';')[0];
    const keys = await t.http.get('/api/api-keys').set('Cookie', cookie);
    expect(keys.body.every((k: { prefix: string }) => typeof k.prefix === 'string')).toBe(true);
    const bIds = new Set((await t.http.get('/api/api-keys').set(asOwner(b))).body.map((k: { id: string }) => k.id));
    expect(keys.body.some((k: { id: string }) => bIds.has(k.id))).toBe(false);
  });
});
