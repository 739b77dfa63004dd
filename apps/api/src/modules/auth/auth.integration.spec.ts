import { DataSource } from 'typeorm';
import { startTestApp, type TestApp, type TestWorkspace } from '../../testing/test-app.js';
import { sha256 } from './secret-tokens.js';

describe('auth (integration: PostgreSQL + Redis)', () => {
  let t: TestApp;
  let ws: TestWorkspace;

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.workspace();
  });
  afterAll(() => t.close());

  const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

  describe('secret API keys', () => {
    it('rejects a request without credentials with 401 JSON', async () => {
      const res = await t.http.get('/api/api-keys');
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
      expect(res.body.message).toMatch(/Authorization: Bearer/);
    });

    it('rejects a wrong key, a malformed header and a write key with 401', async () => {
      expect((await t.http.get('/api/workspace').set(bearer('itn_sk_wrongwrongwrongwrongwrongwrong12'))).status).toBe(401);
      expect((await t.http.get('/api/workspace').set('Authorization', 'Basic abc')).status).toBe(401);
      const write = await t.http.get('/api/workspace').set(bearer(ws.writeKey));
      expect(write.status).toBe(401);
      expect(write.body.message).toMatch(/write key only authorises ingestion/);
    });

    it('accepts a valid secret key and scopes to its workspace', async () => {
      const res = await t.http.get('/api/workspace').set(bearer(ws.keys.viewer));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: ws.id, name: ws.name });
      const me = await t.http.get('/api/auth/me').set(bearer(ws.keys.editor));
      expect(me.body).toMatchObject({ user: null, workspace: { id: ws.id }, role: 'editor', via: 'api_key' });
    });

    it('creates a key shown once, stores only its SHA-256, and a revoked key stops working at once', async () => {
      const created = await t.http.post('/api/api-keys').set(bearer(ws.keys.owner)).send({ name: 'CI', kind: 'secret', role: 'viewer' });
      expect(created.status).toBe(201);
      const { key, id, prefix } = created.body;
      expect(key).toMatch(/^itn_sk_[A-Za-z0-9]{32}$/);
      expect(key.startsWith(prefix)).toBe(true);

      const rows = await t.app.get(DataSource).query('SELECT * FROM api_keys WHERE id = $1', [id]);
      expect(rows).toHaveLength(1);
      expect(rows[0].key_hash).toBe(sha256(key));
      expect(JSON.stringify(rows[0])).not.toContain(key);

      const listed = await t.http.get('/api/api-keys').set(bearer(ws.keys.owner));
      expect(listed.status).toBe(200);
      expect(JSON.stringify(listed.body)).not.toContain(key);
      expect(listed.body.find((k: { id: string }) => k.id === id)).toMatchObject({ name: 'CI', role: 'viewer', revokedAt: null });
      expect(listed.body[0]).not.toHaveProperty('keyHash');

      expect((await t.http.get('/api/workspace').set(bearer(key))).status).toBe(200);
      const revoked = await t.http.delete(`/api/api-keys/${id}`).set(bearer(ws.keys.owner));
      expect(revoked.status).toBe(200);
      expect(revoked.body.revokedAt).toEqual(expect.any(String));
      const after = await t.http.get('/api/workspace').set(bearer(key));
      expect(after.status).toBe(401);
      expect(after.body.message).toMatch(/revoked/);
    });

    it('rejects a role on a write key with a field-level 400', async () => {
      const res = await t.http.post('/api/api-keys').set(bearer(ws.keys.owner)).send({ name: 'x', kind: 'write', role: 'owner' });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ field: 'role', messages: ['write keys have no role'] }]);
    });
  });

  describe('roles', () => {
    it('a viewer can read but not write (403 JSON)', async () => {
      expect((await t.http.get('/api/members').set(bearer(ws.keys.viewer))).status).toBe(200);
      const res = await t.http.patch('/api/workspace').set(bearer(ws.keys.viewer)).send({ name: 'Renamed' });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
      expect(res.body.message).toMatch(/owner role/);
    });

    it('an editor cannot manage keys or members; an owner can', async () => {
      expect((await t.http.get('/api/api-keys').set(bearer(ws.keys.editor))).status).toBe(403);
      expect((await t.http.post('/api/api-keys').set(bearer(ws.keys.editor)).send({ name: 'x', kind: 'write' })).status).toBe(403);
      expect(
        (
          await t.http
            .post('/api/members')
            .set(bearer(ws.keys.editor))
            .send({ email: 'e@example.test', password: 'password1', role: 'viewer' })
        ).status,
      ).toBe(403);
      const renamed = await t.http
        .patch('/api/workspace')
        .set(bearer(ws.keys.owner))
        .send({ name: `${ws.name} (renamed)` });
      expect(renamed.status).toBe(200);
      expect(renamed.body.name).toBe(`${ws.name} (renamed)`);
    });
  });

  describe('admin sessions', () => {
    it('logs in with an argon2-hashed password, sets an HttpOnly cookie, and logs out', async () => {
      const owner = await t.user(ws.id, 'owner');
      const stored = await t.app.get(DataSource).query('SELECT password_hash FROM users WHERE email = $1', [owner.email]);
      expect(stored[0].password_hash).toMatch(/^\$argon2id\$/);

      const bad = await t.http.post('/api/auth/login').send({ email: owner.email, password: 'wrong-password' });
      expect(bad.status).toBe(401);
      expect(bad.body.message).toBe('E-mail or password is incorrect');
      const unknown = await t.http.post('/api/auth/login').send({ email: 'nobody@example.test', password: 'whatever' });
      expect(unknown.status).toBe(401);
      expect(unknown.body.message).toBe(bad.body.message);

      const login = await t.http.post('/api/auth/login').send({ email: owner.email.toUpperCase(), password: owner.password });
      expect(login.status).toBe(200);
      expect(login.body).toMatchObject({ user: { email: owner.email }, workspace: { id: ws.id }, role: 'owner', via: 'session' });
      const cookie = login.headers['set-cookie'][0] as string;
      expect(cookie).toMatch(/^itinera_session=/);
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Lax/);
      const token = /^itinera_session=([^;]+)/.exec(cookie)![1];
      const sessions = await t.app.get(DataSource).query('SELECT token_hash FROM sessions');
      expect(JSON.stringify(sessions)).not.toContain(token);

      const me = await t.http.get('/api/auth/me').set('Cookie', `itinera_session=${token}`);
      expect(me.status).toBe(200);
      expect(me.body.user.email).toBe(owner.email);

      expect((await t.http.post('/api/auth/logout').set('Cookie', `itinera_session=${token}`)).status).toBe(204);
      expect((await t.http.get('/api/auth/me').set('Cookie', `itinera_session=${token}`)).status).toBe(401);
    });

    it('a viewer session cannot write', async () => {
      const viewer = await t.user(ws.id, 'viewer');
      const login = await t.http.post('/api/auth/login').send(viewer);
      const cookie = (login.headers['set-cookie'][0] as string).split(';')[0];
      expect((await t.http.get('/api/workspace').set('Cookie', cookie)).status).toBe(200);
      expect((await t.http.patch('/api/workspace').set('Cookie', cookie).send({ name: 'nope' })).status).toBe(403);
    });

    it('an owner manages members; the last owner cannot be demoted', async () => {
      const other = await t.workspace();
      const added = await t.http
        .post('/api/members')
        .set(bearer(other.keys.owner))
        .send({ email: `new-${Date.now()}@example.test`, password: 'password-123', role: 'editor' });
      expect(added.status).toBe(201);
      expect(added.body).toMatchObject({ role: 'editor' });
      const again = await t.http
        .post('/api/members')
        .set(bearer(other.keys.owner))
        .send({ email: added.body.email, password: 'password-123', role: 'viewer' });
      expect(again.status).toBe(409);

      const promoted = await t.http.patch(`/api/members/${added.body.userId}`).set(bearer(other.keys.owner)).send({ role: 'owner' });
      expect(promoted.body.role).toBe('owner');
      const demoted = await t.http.patch(`/api/members/${added.body.userId}`).set(bearer(other.keys.owner)).send({ role: 'viewer' });
      expect(demoted.status).toBe(403);
      expect(demoted.body.message).toMatch(/last owner/);
      expect((await t.http.delete(`/api/members/${added.body.userId}`).set(bearer(other.keys.owner))).status).toBe(403);
    });
  });
});
