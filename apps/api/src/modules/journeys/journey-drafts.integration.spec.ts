import { DataSource } from 'typeorm';
import { startTestApp, type TestApp, type TestWorkspace, uniqueSuffix } from '../../testing/test-app.js';

/** A journey as the SPEC writes it, with the canvas's section. */
function document(name: string) {
  return {
    name,
    entry: { reentry: 'once' },
    exit: [{ event: 'subscription_started' }],
    nodes: [
      { id: 'start', type: 'trigger', config: { event: 'signed_up' } },
      { id: 'wait', type: 'delay', config: { seconds: 60 } },
      { id: 'done', type: 'exit' },
    ],
    edges: [
      { from: 'start', to: 'wait' },
      { from: 'wait', to: 'done' },
    ],
    ui: {
      positions: { start: { x: 0, y: 0 }, wait: { x: 0, y: 160 }, done: { x: 0, y: 320 } },
      notes: [{ id: 'n1', x: 300, y: 0, text: 'Ask sales' }],
    },
  };
}

describe('journey drafts: documents, revisions, list figures, duplicates (integration: PostgreSQL + Redis)', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let db: DataSource;
  const owner = () => ({ Authorization: `Bearer ${ws.keys.owner}` });
  const editor = () => ({ Authorization: `Bearer ${ws.keys.editor}` });

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.workspace();
    db = t.app.get(DataSource);
  });

  afterAll(async () => {
    await t.close();
  });

  it('creates a journey from the SPEC document itself and keeps its canvas section through validation and publishing', async () => {
    const name = `Imported ${uniqueSuffix()}`;
    const created = await t.http.post('/api/journeys').set(owner()).send(document(name));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name, status: 'draft', revision: 1, draftUpdatedBy: { kind: 'api_key', name: 'owner key' } });
    expect(created.body.draft).toEqual(document(name));

    const report = await t.http.post(`/api/journeys/${created.body.id}/validate`).set(owner()).send({});
    expect(report.body).toEqual({ ok: true, problems: [] });
    const published = await t.http.post(`/api/journeys/${created.body.id}/publish`).set(owner()).send({ note: 'first' });
    expect(published.status).toBe(201);
    const version = await t.http.get(`/api/journeys/${created.body.id}/versions/1`).set(owner());
    expect(version.body.definition.ui).toEqual(document(name).ui);
  });

  it('refuses a document that also sends "definition", and one with neither', async () => {
    const both = await t.http
      .post('/api/journeys')
      .set(owner())
      .send({ ...document(`Both ${uniqueSuffix()}`), definition: { nodes: [], edges: [] } });
    expect(both.status).toBe(400);
    expect(both.body.message).toContain('not both');
    const neither = await t.http
      .post('/api/journeys')
      .set(owner())
      .send({ name: `Neither ${uniqueSuffix()}` });
    expect(neither.status).toBe(400);
    const unknown = await t.http
      .post('/api/journeys')
      .set(owner())
      .send({ ...document(`Unknown ${uniqueSuffix()}`), colour: 'red' });
    expect(unknown.status).toBe(400);
  });

  it('a save from a stale revision gets 409 and changes nothing; a current one moves the revision on', async () => {
    const created = await t.http
      .post('/api/journeys')
      .set(owner())
      .send({ name: `Revisions ${uniqueSuffix()}`, definition: document('x') });
    const id = created.body.id as string;
    const moved = { ...document('x'), ui: { positions: { start: { x: 40, y: 0 } } } };

    const first = await t.http.patch(`/api/journeys/${id}`).set(editor()).send({ definition: moved, revision: 1 });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ revision: 2, draftUpdatedBy: { kind: 'api_key', name: 'editor key' } });
    expect(first.body.draft.ui).toEqual(moved.ui);

    // A second editor still on revision 1.
    const stale = await t.http
      .patch(`/api/journeys/${id}`)
      .set(owner())
      .send({ definition: document('x'), revision: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.message).toContain('revision 2');
    expect(stale.body.errors).toEqual([{ field: 'revision', messages: ['current revision: 2'] }]);
    const [row] = await db.query('SELECT draft_revision, draft FROM journeys WHERE id = $1', [id]);
    expect(row.draft_revision).toBe(2);
    expect(row.draft.ui).toEqual(moved.ui);

    // Two saves from the same revision at once: exactly one wins.
    const racing = await Promise.all(
      [10, 20].map((x) =>
        t.http
          .patch(`/api/journeys/${id}`)
          .set(owner())
          .send({ definition: { ...moved, ui: { positions: { start: { x, y: 0 } } } }, revision: 2 }),
      ),
    );
    expect(racing.map((r) => r.status).sort()).toEqual([200, 409]);

    // Without a revision the edit applies as before.
    const blind = await t.http.patch(`/api/journeys/${id}`).set(owner()).send({ description: 'no revision' });
    expect(blind.status).toBe(200);
    expect(blind.body.revision).toBe(4);
    expect((await t.http.patch(`/api/journeys/${id}`).set(owner()).send({ revision: 0 })).status).toBe(400);
  });

  it('lists live version, unpublished changes, active runs, entries of the last 7 days and the last editor', async () => {
    const created = await t.http
      .post('/api/journeys')
      .set(owner())
      .send(document(`Listed ${uniqueSuffix()}`));
    const id = created.body.id as string;
    const summary = async () =>
      ((await t.http.get('/api/journeys').set(owner())).body as Array<Record<string, unknown>>).find((j) => j.id === id)!;
    expect(await summary()).toMatchObject({ currentVersion: null, hasUnpublishedChanges: true, activeRuns: 0, entriesLast7Days: 0 });

    await t.http.post(`/api/journeys/${id}/publish`).set(owner()).send({});
    expect(await summary()).toMatchObject({ currentVersion: 1, hasUnpublishedChanges: false, status: 'active' });

    // Moving nodes on the canvas is not an unpublished change; editing the graph is.
    const draft = created.body.draft;
    await t.http
      .patch(`/api/journeys/${id}`)
      .set(editor())
      .send({ definition: { ...draft, ui: { positions: { start: { x: 99, y: 99 } } } } });
    expect(await summary()).toMatchObject({ hasUnpublishedChanges: false, draftUpdatedBy: { kind: 'api_key', name: 'editor key' } });
    await t.http
      .patch(`/api/journeys/${id}`)
      .set(editor())
      .send({ definition: { ...draft, exit: [] } });
    expect(await summary()).toMatchObject({ hasUnpublishedChanges: true });

    for (const userId of ['recent-a', 'recent-b', 'old']) {
      await t.http.put(`/api/profiles/${userId}-${id}`).set(owner()).send({ traits: {} });
    }
    const profiles: Array<{ id: string; user_id: string }> = await db.query(
      'SELECT id, user_id FROM profiles WHERE workspace_id = $1 AND user_id LIKE $2',
      [ws.id, `%-${id}`],
    );
    for (const profile of profiles) {
      const old = profile.user_id.startsWith('old');
      await db.query(
        `INSERT INTO journey_runs (workspace_id, journey_id, version, profile_id, status, entered_at) VALUES ($1, $2, 1, $3, $4, now() - $5::interval)`,
        [
          ws.id,
          id,
          profile.id,
          old ? 'completed' : profile.user_id.startsWith('recent-a') ? 'waiting' : 'completed',
          old ? '8 days' : '1 hour',
        ],
      );
    }
    expect(await summary()).toMatchObject({ activeRuns: 1, entriesLast7Days: 2, runs: { waiting: 1, completed: 2 } });
  });

  it('duplicates a journey as a new draft, canvas included, with a free name', async () => {
    const name = `Original ${uniqueSuffix()}`;
    const created = await t.http
      .post('/api/journeys')
      .set(owner())
      .send({ ...document(name), description: 'the first' });
    const copy = await t.http.post(`/api/journeys/${created.body.id}/duplicate`).set(owner()).send({});
    expect(copy.status).toBe(201);
    expect(copy.body).toMatchObject({
      name: `${name} (copy)`,
      status: 'draft',
      currentVersion: null,
      description: 'the first',
      revision: 1,
    });
    expect(copy.body.draft).toEqual({ ...document(`${name} (copy)`) });
    const second = await t.http.post(`/api/journeys/${created.body.id}/duplicate`).set(owner()).send({});
    expect(second.body.name).toBe(`${name} (copy 2)`);
    const named = await t.http
      .post(`/api/journeys/${created.body.id}/duplicate`)
      .set(owner())
      .send({ name: `${name} (copy)` });
    expect(named.status).toBe(409);
    expect((await t.http.post('/api/journeys/no-such-journey/duplicate').set(owner()).send({})).status).toBe(404);
  });
});
