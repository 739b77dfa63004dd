import { readFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { startTestApp, type TestApp, type TestWorkspace, uniqueSuffix } from '../../testing/test-app.js';
import { AuditRetention } from './audit-retention.js';

const SMTP = '@itinera/channel-email-smtp/smtp';
const OPENAPI = JSON.parse(readFileSync(new URL('../../../openapi.json', import.meta.url), 'utf8')) as {
  paths: Record<string, Record<string, { 'x-itinera-audit'?: boolean }>>;
};
const MUTATING = ['post', 'put', 'patch', 'delete'];

interface Entry {
  actor: { kind: string; label: string };
  method: string;
  route: string;
  resource: string;
  action: string;
  targetId: string | null;
  status: number;
  outcome: string;
  changes: Record<string, unknown> | null;
  result: Record<string, unknown> | null;
}

describe('audit log (integration: PostgreSQL)', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let db: DataSource;
  const as = (role: 'owner' | 'editor' | 'viewer', workspace = ws) => ({ Authorization: `Bearer ${workspace.keys[role]}` });

  async function entries(query: Record<string, string> = {}, workspace = ws): Promise<Entry[]> {
    const res = await t.http
      .get('/api/audit')
      .query({ limit: '200', ...query })
      .set(as('owner', workspace));
    expect(res.status).toBe(200);
    return res.body.data;
  }

  /** Entries are written once the answer has gone: waits until `count` match. */
  async function until(count: number, query: Record<string, string> = {}, workspace = ws): Promise<Entry[]> {
    for (let i = 0; i < 100; i += 1) {
      const found = await entries(query, workspace);
      if (found.length >= count) return found;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`fewer than ${count} audit entries for ${JSON.stringify(query)}`);
  }

  beforeAll(async () => {
    t = await startTestApp({ ITINERA_ROLE: 'api', ITINERA_PLUGINS: SMTP });
    ws = await t.workspace();
    db = t.app.get(DataSource);
  });

  afterAll(async () => {
    await t.close();
  });

  it('writes one entry for every mutating operation of the OpenAPI document, and none for those that change nothing', async () => {
    const probe = await t.workspace();
    const operations: Array<{ method: string; path: string; route: string; audited: boolean }> = [];
    for (const [path, item] of Object.entries(OPENAPI.paths)) {
      if (!path.startsWith('/api/') || path.startsWith('/api/auth/')) continue;
      for (const method of MUTATING) {
        const operation = item[method];
        if (!operation) continue;
        operations.push({ method, path, route: path.replace(/\{(\w+)\}/g, ':$1'), audited: operation['x-itinera-audit'] !== false });
      }
    }
    expect(operations.length).toBeGreaterThan(40);
    expect(operations.filter((o) => !o.audited).map((o) => `${o.method} ${o.path}`)).toEqual(
      expect.arrayContaining(['post /api/journeys/{id}/simulate', 'post /api/templates/{key}/preview', 'post /api/journeys/{id}/validate']),
    );

    for (const operation of operations) {
      const url = operation.path.replace(/\{(\w+)\}/g, (_, name: string) =>
        name === 'id' ? '00000000-0000-4000-8000-000000000000' : `probe-${name}`,
      );
      const body = operation.path === '/api/system/worker-probe' ? { holdMs: 0, timeoutMs: 1000 } : {};
      await t.http[operation.method as 'post'](url).set(as('owner', probe)).send(body);
    }
    const audited = operations.filter((o) => o.audited);
    const found = await until(audited.length, {}, probe);
    const key = (method: string, route: string) => `${method.toUpperCase()} ${route}`;
    const counts = new Map<string, number>();
    for (const entry of found) counts.set(key(entry.method, entry.route), (counts.get(key(entry.method, entry.route)) ?? 0) + 1);
    const missing = audited.filter((o) => counts.get(key(o.method, o.route)) !== 1).map((o) => key(o.method, o.route));
    expect(missing).toEqual([]);
    const unexpected = operations.filter((o) => !o.audited && counts.has(key(o.method, o.route))).map((o) => key(o.method, o.route));
    expect(unexpected).toEqual([]);
    expect(found).toHaveLength(audited.length);
  }, 60_000);

  it('says who did what to which target, with the fields set (secrets redacted) and the outcome, refusals included', async () => {
    const key = `audited-${uniqueSuffix()}`;
    expect(
      (
        await t.http
          .post('/api/templates')
          .set(as('editor'))
          .send({ key, name: 'Audited', content: { sms: { body: 'Hi' } } })
      ).status,
    ).toBe(201);
    expect((await t.http.patch(`/api/templates/${key}`).set(as('editor')).send({ name: 'Audited again' })).status).toBe(200);
    expect((await t.http.post(`/api/templates/${key}/publish`).set(as('owner')).send({})).status).toBe(201);
    expect((await t.http.delete(`/api/templates/${key}`).set(as('viewer'))).status).toBe(403);
    const provider = await t.http
      .post('/api/channels')
      .set(as('owner'))
      .send({
        pluginId: SMTP,
        name: 'Audited SMTP',
        config: { host: '127.0.0.1', port: 2525, from: 'a@example.test', password: 'hunter2' },
      });
    expect(provider.status).toBe(201);

    const history = await until(4, { resource: 'templates', targetId: key });
    expect(history.map((e) => [e.action, e.actor.label, e.outcome, e.status])).toEqual([
      ['delete', 'viewer key', 'refused', 403],
      ['publish', 'owner key', 'succeeded', 201],
      ['update', 'editor key', 'succeeded', 200],
      ['create', 'editor key', 'succeeded', 201],
    ]);
    expect(history[2].changes).toEqual({ name: 'Audited again' });
    expect(history[1].result).toMatchObject({ key, version: 1 });
    expect(history[0].result).toMatchObject({ message: expect.stringContaining('editor role') });

    const [configured] = await until(1, { resource: 'channels', action: 'create' });
    expect(configured.changes).toMatchObject({ name: 'Audited SMTP', config: { host: '127.0.0.1', password: '[redacted]' } });
    const created = await t.http.post('/api/api-keys').set(as('owner')).send({ name: 'Audited key', kind: 'secret', role: 'viewer' });
    expect(created.status).toBe(201);
    const [keyEntry] = await until(1, { resource: 'api-keys', action: 'create' });
    expect(keyEntry.targetId).toBe(created.body.id);
    const everything = JSON.stringify(await entries());
    expect(everything).not.toContain('hunter2');
    expect(everything).not.toContain(created.body.key);
    expect(configured.targetId).toBe(provider.body.id);

    expect((await entries({ outcome: 'refused' })).every((e) => e.status >= 400)).toBe(true);
    expect((await entries({ actor: 'EDITOR' })).every((e) => e.actor.label === 'editor key')).toBe(true);
    const first = await t.http.get('/api/audit').query({ limit: '2' }).set(as('owner'));
    const second = await t.http.get('/api/audit').query({ limit: '2', cursor: first.body.nextCursor }).set(as('owner'));
    expect(second.body.data[0]).toEqual((await entries())[2]);
    expect((await t.http.get('/api/audit').set(as('viewer'))).status).toBe(403);
    expect((await t.http.get('/api/audit').query({ outcome: 'maybe' }).set(as('owner'))).status).toBe(400);
    // Another workspace sees none of it.
    const other = await t.workspace();
    expect(await entries({}, other)).toEqual([]);
  });

  it('cannot be changed or deleted, and is purged only past the retention', async () => {
    await t.http.patch('/api/workspace').set(as('owner')).send({ name: 'Renamed for the audit' });
    await until(1, { resource: 'workspace' });
    await expect(db.query("UPDATE audit_entries SET actor_label = 'someone else' WHERE workspace_id = $1", [ws.id])).rejects.toThrow(
      /cannot be changed or deleted/,
    );
    await expect(db.query('DELETE FROM audit_entries WHERE workspace_id = $1', [ws.id])).rejects.toThrow(/cannot be changed or deleted/);

    const before = (await entries()).length;
    await db.query(
      `INSERT INTO audit_entries (workspace_id, occurred_at, actor_kind, actor_label, method, route, resource, action, status)
       VALUES ($1, now() - interval '400 days', 'api_key', 'old key', 'PATCH', '/api/workspace', 'workspace', 'update', 200),
              ($1, now() - interval '20 days', 'api_key', 'old key', 'PATCH', '/api/workspace', 'workspace', 'update', 200)`,
      [ws.id],
    );
    expect(await t.app.get(AuditRetention).purge()).toBeGreaterThanOrEqual(1);
    expect((await entries()).length).toBe(before + 1);
    expect((await t.http.patch('/api/workspace').set(as('owner')).send({ auditRetentionDays: 0 })).status).toBe(400);
    const shorter = await t.http.patch('/api/workspace').set(as('owner')).send({ auditRetentionDays: 7 });
    expect(shorter.body.auditRetentionDays).toBe(7);
    await t.app.get(AuditRetention).purge();
    expect((await entries()).some((e) => e.actor.label === 'old key')).toBe(false);
  });
});
