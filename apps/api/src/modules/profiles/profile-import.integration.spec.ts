import { DataSource } from 'typeorm';
import { startTestApp, type TestApp, type TestWorkspace, uniqueSuffix } from '../../testing/test-app.js';

/** A bad row in the middle of an import chunk is a row error; every other row of the chunk is stored. */
describe('profile import with bad rows mid-chunk (integration: PostgreSQL + Redis)', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let db: DataSource;

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.workspace();
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  const owner = () => ({ Authorization: `Bearer ${ws.keys.owner}` });
  const imported = async (prefix: string) =>
    Number((await db.query('SELECT count(*) AS n FROM profiles WHERE workspace_id = $1 AND user_id LIKE $2', [ws.id, `${prefix}%`]))[0].n);

  it('600 NDJSON rows, row 550 with a lone surrogate trait: 599 stored, row 550 reported', async () => {
    const tag = `imp-${uniqueSuffix()}`;
    const lines: string[] = [];
    for (let row = 1; row <= 600; row += 1)
      lines.push(JSON.stringify({ userId: `${tag}-${row}`, traits: { plan: row === 550 ? '\ud800' : 'pro', row } }));
    const res = await t.http.post('/api/profiles/import').set(owner()).set('Content-Type', 'application/x-ndjson').send(lines.join('\n'));
    expect(res.status).toBe(200);
    const answer = res.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(answer.filter((l) => l.type === 'error')).toEqual([
      { type: 'error', row: 550, reason: 'traits.plan is not valid Unicode text (a lone UTF-16 surrogate)' },
    ]);
    expect(answer[answer.length - 1]).toEqual({ type: 'done', processed: 600, imported: 599, failed: 1 });
    expect(await imported(`${tag}-`)).toBe(599);
    expect((await t.http.get(`/api/profiles/${tag}-551`).set(owner())).body.traits).toEqual({ plan: 'pro', row: 551 });
  });

  it('NUL, deep nesting and unaddressable userIds are row errors too', async () => {
    const tag = `imp2-${uniqueSuffix()}`;
    const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    const lines = [
      JSON.stringify({ userId: `${tag}-1`, traits: { ok: true } }),
      JSON.stringify({ userId: `${tag}-2`, traits: { note: 'a\u0000b' } }),
      `{"userId":"${tag}-3","traits":${deep}}`,
      JSON.stringify({ userId: '..', traits: {} }),
      JSON.stringify({ userId: `${tag}-5\ud800`, traits: {} }),
      JSON.stringify({ userId: `${tag}-6`, traits: { ok: true } }),
    ];
    const res = await t.http.post('/api/profiles/import').set(owner()).set('Content-Type', 'application/x-ndjson').send(lines.join('\n'));
    const answer = res.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const errors = answer.filter((l) => l.type === 'error') as Array<{ row: number; reason: string }>;
    expect(errors.map((e) => e.row)).toEqual([2, 3, 4, 5]);
    expect(errors[0].reason).toMatch(/traits\.note contains a NUL/);
    expect(errors[1].reason).toMatch(/nested more than 64 levels/);
    expect(errors[2].reason).toMatch(/userId cannot be "\." or "\.\."/);
    expect(errors[3].reason).toMatch(/userId is not valid Unicode text/);
    expect(answer[answer.length - 1]).toEqual({ type: 'done', processed: 6, imported: 2, failed: 4 });
    expect(await imported(`${tag}-`)).toBe(2);
  });

  it('a CSV cell with a NUL is a row error', async () => {
    const tag = `imp3-${uniqueSuffix()}`;
    const csv = ['userId,plan', `${tag}-1,pro`, `${tag}-2,a\u0000b`, `${tag}-3,free`].join('\n');
    const res = await t.http.post('/api/profiles/import').set(owner()).set('Content-Type', 'text/csv').send(csv);
    const answer = res.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(answer.filter((l) => l.type === 'error').map((l) => l.row)).toEqual([3]);
    expect(answer[answer.length - 1]).toEqual({ type: 'done', processed: 3, imported: 2, failed: 1 });
  });
});
