import { DataSource } from 'typeorm';
import { startTestApp, type TestApp, type TestWorkspace } from '../../testing/test-app.js';
import { SettingsService } from './settings.service.js';

describe('workspace delivery settings (integration)', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  const as = (role: 'owner' | 'editor' | 'viewer', workspace = ws) => ({ Authorization: `Bearer ${workspace.keys[role]}` });

  const valid = {
    quietHours: { enabled: true, start: '21:00', end: '08:00', days: ['fri', 'mon', 'tue'], defaultTimezone: 'Europe/Paris' },
    frequencyCaps: [
      { id: 'daily', scope: 'global', limit: 3, windowSeconds: 86400, action: 'defer' },
      { scope: 'channel', channel: 'sms', limit: 1, windowSeconds: 3600, action: 'skip' },
    ],
    cooldownSeconds: 600,
  };

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.workspace();
  });
  afterAll(() => t.close());

  it('starts with the defaults, created on first read', async () => {
    const fresh = await t.workspace();
    const db = t.app.get(DataSource);
    expect((await db.query('SELECT count(*)::int AS n FROM workspace_settings WHERE workspace_id = $1', [fresh.id]))[0].n).toBe(0);
    const res = await t.http.get('/api/settings').set(as('viewer', fresh));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ quietHours: { enabled: false, start: '21:00', end: '08:00' }, frequencyCaps: [] });
    expect((await db.query('SELECT count(*)::int AS n FROM workspace_settings WHERE workspace_id = $1', [fresh.id]))[0].n).toBe(1);
    expect(await t.app.get(SettingsService).get(fresh.id)).toEqual(res.body);
  });

  it('PUT replaces (owner only), normalises and gives caps ids; GET and the service read it back', async () => {
    expect((await t.http.put('/api/settings').set(as('editor')).send(valid)).status).toBe(403);
    expect((await t.http.patch('/api/settings').set(as('editor')).send({ cooldownSeconds: 5 })).status).toBe(403);
    const res = await t.http.put('/api/settings').set(as('owner')).send(valid);
    expect(res.status).toBe(200);
    expect(res.body.quietHours).toEqual({
      enabled: true,
      start: '21:00',
      end: '08:00',
      days: ['mon', 'tue', 'fri'],
      defaultTimezone: 'Europe/Paris',
    });
    expect(res.body.frequencyCaps[0]).toEqual({ id: 'daily', scope: 'global', limit: 3, windowSeconds: 86400, action: 'defer' });
    expect(res.body.frequencyCaps[1]).toMatchObject({ scope: 'channel', channel: 'sms', limit: 1, windowSeconds: 3600, action: 'skip' });
    expect(res.body.frequencyCaps[1].id).toEqual(expect.any(String));
    expect(res.body.cooldownSeconds).toBe(600);
    expect((await t.http.get('/api/settings').set(as('viewer'))).body).toEqual(res.body);
    expect(await t.app.get(SettingsService).get(ws.id)).toEqual(res.body);

    // A GET → edit → PUT round trip keeps the caps' ids.
    const again = await t.http
      .put('/api/settings')
      .set(as('owner'))
      .send({ ...res.body, cooldownSeconds: 0 });
    expect(again.body.frequencyCaps.map((c: { id: string }) => c.id)).toEqual(res.body.frequencyCaps.map((c: { id: string }) => c.id));
    expect(again.body).not.toHaveProperty('cooldownSeconds');
  });

  it('PATCH merges quiet-hours fields and replaces caps', async () => {
    await t.http.put('/api/settings').set(as('owner')).send(valid);
    const res = await t.http
      .patch('/api/settings')
      .set(as('owner'))
      .send({ quietHours: { start: '22:30', days: null } });
    expect(res.status).toBe(200);
    expect(res.body.quietHours).toEqual({ enabled: true, start: '22:30', end: '08:00', defaultTimezone: 'Europe/Paris' });
    expect(res.body.frequencyCaps).toHaveLength(2);
    const capped = await t.http
      .patch('/api/settings')
      .set(as('owner'))
      .send({ frequencyCaps: [], cooldownSeconds: null, quietHours: { defaultTimezone: null } });
    expect(capped.body).toEqual({ quietHours: { enabled: true, start: '22:30', end: '08:00' }, frequencyCaps: [] });
    expect((await t.http.patch('/api/settings').set(as('owner')).send({})).body).toEqual(capped.body);
  });

  it('rejects every kind of bad setting with 400 and field errors, storing nothing', async () => {
    await t.http.put('/api/settings').set(as('owner')).send(valid);
    const before = (await t.http.get('/api/settings').set(as('viewer'))).body;
    const cases: Array<[unknown, string[]]> = [
      [{ ...valid, quietHours: { ...valid.quietHours, start: '25:00', end: '8:00' } }, ['quietHours.end', 'quietHours.start']],
      [{ ...valid, quietHours: { ...valid.quietHours, days: ['monday'] } }, ['quietHours.days']],
      [{ ...valid, quietHours: { ...valid.quietHours, days: [] } }, ['quietHours.days']],
      [{ ...valid, quietHours: { ...valid.quietHours, days: ['mon', 'mon'] } }, ['quietHours.days']],
      [{ ...valid, quietHours: { ...valid.quietHours, defaultTimezone: 'Mars/Olympus' } }, ['quietHours.defaultTimezone']],
      [{ ...valid, quietHours: { ...valid.quietHours, enabled: 'yes' } }, ['quietHours.enabled']],
      [{ ...valid, quietHours: { enabled: true, start: '09:00', end: '09:00' } }, ['quietHours.end']],
      [{ ...valid, quietHours: 'at night' }, ['quietHours']],
      [
        { ...valid, frequencyCaps: [{ scope: 'channel', limit: 0, windowSeconds: 59, action: 'drop' }] },
        ['frequencyCaps.0.action', 'frequencyCaps.0.limit', 'frequencyCaps.0.windowSeconds'],
      ],
      [{ ...valid, frequencyCaps: [{ scope: 'channel', limit: 1, windowSeconds: 60, action: 'skip' }] }, ['frequencyCaps.0.channel']],
      [
        { ...valid, frequencyCaps: [{ scope: 'global', channel: 'sms', limit: 1, windowSeconds: 60, action: 'skip' }] },
        ['frequencyCaps.0.channel'],
      ],
      [
        { ...valid, frequencyCaps: [{ scope: 'everyone', channel: 'SMS!', limit: 1.5, windowSeconds: 10 ** 9, action: 'skip' }] },
        ['frequencyCaps.0.channel', 'frequencyCaps.0.limit', 'frequencyCaps.0.scope', 'frequencyCaps.0.windowSeconds'],
      ],
      [{ ...valid, frequencyCaps: [valid.frequencyCaps[0], valid.frequencyCaps[0]] }, ['frequencyCaps.1.id']],
      [{ ...valid, frequencyCaps: 'none' }, ['frequencyCaps']],
      [{ ...valid, cooldownSeconds: -1 }, ['cooldownSeconds']],
      [{ ...valid, colour: 'red' }, ['colour']],
      [{ quietHours: valid.quietHours }, ['frequencyCaps']],
    ];
    for (const [body, fields] of cases) {
      const res = await t.http
        .put('/api/settings')
        .set(as('owner'))
        .send(body as object);
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 400]);
      expect([JSON.stringify(body), [...new Set(res.body.errors.map((e: { field: string }) => e.field))].sort()]).toEqual([
        JSON.stringify(body),
        fields,
      ]);
    }
    const patch = await t.http
      .patch('/api/settings')
      .set(as('owner'))
      .send({ quietHours: { end: '21:00', days: null } });
    expect(patch.status).toBe(400);
    expect(patch.body.message).toMatch(/never end/);
    expect(
      (
        await t.http
          .patch('/api/settings')
          .set(as('owner'))
          .send({ quietHours: { start: 'noon' } })
      ).status,
    ).toBe(400);
    expect((await t.http.get('/api/settings').set(as('viewer'))).body).toEqual(before);
  });

  it("falls back to the workspace's default time zone, and stays within its workspace", async () => {
    const other = await t.workspace();
    await t.http.patch('/api/workspace').set(as('owner', other)).send({ defaultTimezone: 'Asia/Kathmandu' });
    await t.http.put('/api/settings').set(as('owner')).send(valid);
    const service = t.app.get(SettingsService);
    const settings = await service.get(other.id);
    expect(settings.frequencyCaps).toEqual([]);
    expect(await service.workspaceTimezone(other.id)).toBe('Asia/Kathmandu');
    expect(service.zoneFor(null, settings, await service.workspaceTimezone(other.id))).toBe('Asia/Kathmandu');
    expect(service.zoneFor(null, await service.get(ws.id), 'UTC')).toBe('Europe/Paris');
    expect(service.zoneFor('America/New_York', settings, 'UTC')).toBe('America/New_York');
    const quiet = { enabled: true, start: '22:00', end: '06:00' };
    expect(service.nextAllowedSendTime(quiet, 'Asia/Kathmandu', new Date('2026-06-10T17:00:00Z'))?.toISOString()).toBe(
      '2026-06-11T00:15:00.000Z',
    );
  });
});
