import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ownDatabaseUrl, startTestApp, type TestApp, type TestWorkspace, uniqueSuffix } from '../../testing/test-app.js';
import { ProfileViews } from '../profiles/profile-view.js';
import type { StoredRunContext } from './nodes/node-handler.js';
import { type NewRun, RunStore, type StepRecord } from './run-store.js';

/**
 * The run store's statements against PostgreSQL: API role only (no worker moves these runs), on a
 * database of its own (firing due timers takes every due timer there is).
 */
describe('RunStore (integration: PostgreSQL)', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let runs: RunStore;
  let db: DataSource;
  let journeyId: string;

  const owner = () => ({ Authorization: `Bearer ${ws.keys.owner}` });
  const definition = {
    name: 'store',
    nodes: [
      { id: 'start', type: 'trigger', config: { event: 'store_test' } },
      { id: 'pause', type: 'delay', config: { seconds: 3600 } },
      { id: 'done', type: 'exit' },
    ],
    edges: [
      { from: 'start', to: 'pause' },
      { from: 'pause', to: 'done' },
    ],
  };

  async function profile(): Promise<string> {
    const userId = `u-${uniqueSuffix()}`;
    await t.http.put(`/api/profiles/${userId}`).set(owner()).send({ traits: {} }).expect(200);
    return (await t.app.get(ProfileViews).idOfUser(ws.id, userId))!;
  }

  function newRun(profileId: string, overrides: Partial<NewRun> = {}): NewRun {
    const id = randomUUID();
    const context: StoredRunContext = { data: {}, visits: {}, run: { id, journeyId, version: 1, enteredAt: new Date().toISOString() } };
    return {
      id,
      workspaceId: ws.id,
      journeyId,
      version: 1,
      profileId,
      firstNode: 'pause',
      context,
      entryKey: null,
      trigger: { nodeId: 'start', input: { config: {} }, output: { event: null, data: {} } },
      reentry: 'once',
      ...overrides,
    };
  }

  const statusOf = async (runId: string) =>
    (await db.query('SELECT status, current_node, end_reason FROM journey_runs WHERE id = $1', [runId]))[0];

  beforeAll(async () => {
    t = await startTestApp({ ITINERA_ROLE: 'api', DATABASE_URL: ownDatabaseUrl('run_store') });
    ws = await t.workspace();
    runs = t.app.get(RunStore);
    db = t.app.get(DataSource);
    const created = await t.http
      .post('/api/journeys')
      .set(owner())
      .send({ name: `store ${uniqueSuffix()}`, definition })
      .expect(201);
    journeyId = created.body.id;
    await t.http.post(`/api/journeys/${journeyId}/publish`).set(owner()).send({}).expect(201);
  });
  afterAll(() => t.close());

  it('enters a run with its trigger step once; the re-entry rule keeps the profile out afterwards', async () => {
    const profileId = await profile();
    const run = newRun(profileId);
    expect((await runs.insertRuns([run])).has(run.id)).toBe(true);
    expect((await runs.insertRuns([newRun(profileId)])).size).toBe(0);
    const detail = await runs.detail(ws.id, run.id);
    expect(detail?.run).toMatchObject({ status: 'active', current_node: 'pause' });
    expect(detail?.steps).toEqual([expect.objectContaining({ node_id: 'start', status: 'completed', port: 'next' })]);
    expect(await runs.detail(randomUUID(), run.id)).toBeUndefined();
  });

  it('ends a run at entry when the trigger leads nowhere', async () => {
    const run = newRun(await profile(), { firstNode: null });
    expect((await runs.insertRuns([run])).has(run.id)).toBe(true);
    expect(await statusOf(run.id)).toMatchObject({ status: 'completed', end_reason: 'the trigger is not connected' });
  });

  it('leases a run to one holder at a time', async () => {
    const run = newRun(await profile());
    await runs.insertRuns([run]);
    expect(await runs.lease(run.id)).toMatchObject({ id: run.id, current_node: 'pause' });
    expect(await runs.lease(run.id)).toBeUndefined();
    await runs.releaseLease(run.id);
    expect(await runs.lease(run.id)).toBeDefined();
  });

  const step = (nodeId: string, status: StepRecord['status'], extra: Partial<StepRecord> = {}): StepRecord => ({
    nodeId,
    visit: 1,
    nodeType: nodeId === 'done' ? 'exit' : 'delay',
    status,
    input: { config: {} },
    startedAt: Date.now(),
    ...extra,
  });

  it('records an advance in one statement and leases the run with its current step', async () => {
    const run = newRun(await profile());
    await runs.insertRuns([run]);
    await runs.lease(run.id);
    await runs.record(run.id, 'pause', [step('pause', 'waiting', { output: { until: 'soon' } })], {
      kind: 'wait',
      context: run.context,
      node: 'pause',
      visit: 1,
      waitingFor: null,
      timer: { kind: 'delay', due: new Date(Date.now() - 1000) },
    });
    expect(await statusOf(run.id)).toMatchObject({ status: 'waiting', current_node: 'pause' });
    // Woken leased to the poller, with the step it waits at; nobody else can take it until the poller lets go.
    expect(await runs.fireDueTimers(500, { leased: true })).toEqual([
      expect.objectContaining({
        id: run.id,
        status: 'active',
        current_node: 'pause',
        step_status: 'waiting',
        step_output: { until: 'soon' },
      }),
    ]);
    expect(await runs.fireDueTimers(500)).toEqual([]);
    expect(await runs.lease(run.id)).toBeUndefined();
    await runs.releaseLease(run.id);
    // Leased again: the step it waits at comes with it.
    expect(await runs.lease(run.id)).toMatchObject({
      status: 'active',
      current_node: 'pause',
      step_status: 'waiting',
      step_output: { until: 'soon' },
    });

    const context = { ...run.context, visits: { pause: 2 } };
    const moved = await runs.record(run.id, 'pause', [step('pause', 'completed', { port: 'next', finishedAt: Date.now() })], {
      kind: 'move',
      context,
      next: 'done',
    });
    expect(moved).toMatchObject({ current_node: 'done', context: { visits: { pause: 2 } } });
    // The run is no longer at `pause`: a late write from there changes nothing.
    expect(await runs.record(run.id, 'pause', [], { kind: 'move', context, next: 'pause' })).toBeNull();
    const steps = (await runs.detail(ws.id, run.id))!.steps.map((s) => [s.node_id, s.status, s.port]);
    expect(steps).toEqual([
      ['start', 'completed', 'next'],
      ['pause', 'completed', 'next'],
    ]);
  });

  it('ends a run with the steps of its last advance, exit step included', async () => {
    const run = newRun(await profile());
    await runs.insertRuns([run]);
    await runs.record(
      run.id,
      'pause',
      [step('pause', 'completed', { port: 'next', finishedAt: Date.now() }), step('done', 'completed', { finishedAt: Date.now() })],
      {
        kind: 'end',
        context: run.context,
        node: 'done',
        status: 'completed',
        reason: 'reached exit node done',
      },
    );
    expect(await statusOf(run.id)).toMatchObject({ status: 'completed', current_node: 'done', end_reason: 'reached exit node done' });
    const steps = (await runs.detail(ws.id, run.id))!.steps.map((s) => [s.node_id, s.status]);
    expect(steps).toEqual([
      ['start', 'completed'],
      ['pause', 'completed'],
      ['done', 'completed'],
    ]);
  });

  it('stops a run in flight once, firing its timers; cancels every run of an archived journey', async () => {
    const run = newRun(await profile());
    await runs.insertRuns([run]);
    await runs.record(run.id, 'pause', [step('pause', 'waiting')], {
      kind: 'wait',
      context: run.context,
      node: 'pause',
      visit: 1,
      waitingFor: null,
      timer: { kind: 'delay', due: new Date(Date.now() + 3_600_000) },
    });
    expect(await runs.stop(run.id, 'exited', 'goal event paid')).toBe(true);
    expect(await runs.stop(run.id, 'cancelled', 'again')).toBe(false);
    expect(await statusOf(run.id)).toMatchObject({ status: 'exited', end_reason: 'goal event paid' });
    expect((await runs.detail(ws.id, run.id))!.timers).toEqual([expect.objectContaining({ kind: 'delay', fired_at: expect.any(Date) })]);

    const others = [newRun(await profile()), newRun(await profile())];
    for (const other of others) await runs.insertRuns([other]);
    expect(await runs.cancelJourneyRuns(journeyId, 'journey archived')).toBeGreaterThanOrEqual(2);
    for (const other of others) expect(await statusOf(other.id)).toMatchObject({ status: 'cancelled' });
  });

  it('counts runs per journey and status, and lists a journey’s runs newest first', async () => {
    const counts = (await runs.summaryByJourney(ws.id)).get(journeyId)!.byStatus;
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(7);
    const page = await runs.runsOf(journeyId, { limit: 3 });
    expect(page).toHaveLength(4);
    expect(new Date(page[0].entered_at as Date).getTime()).toBeGreaterThanOrEqual(new Date(page[1].entered_at as Date).getTime());
    expect(await runs.hasRuns(journeyId)).toBe(true);
  });
});
