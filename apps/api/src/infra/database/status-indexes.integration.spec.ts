import pg from 'pg';
import { migrateDatabase } from './data-source.js';

/**
 * The planner's index choices for the engine's hottest look-ups, on a database whose statistics
 * are stale in the way a burst leaves them: analysed while every run had ended, then thousands of
 * runs entered. A look-up by id must stay a primary-key look-up whatever the statistics say.
 */
describe('status indexes (integration: PostgreSQL planner)', () => {
  let db: pg.Client;
  let runId: string;

  beforeAll(async () => {
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `/itinera_test_${process.env.ITINERA_TEST_RUN_ID}_status_indexes`;
    await migrateDatabase(url.toString());
    db = new pg.Client({ connectionString: url.toString() });
    await db.connect();
    await db.query(`
      WITH w AS (INSERT INTO workspaces (name) VALUES ('Planner') RETURNING id),
           j AS (INSERT INTO journeys (workspace_id, name, draft) SELECT id, 'Burst', '{}' FROM w RETURNING id, workspace_id),
           p AS (INSERT INTO profiles (workspace_id, user_id) SELECT w.id, 'u' || g FROM w, generate_series(1, 6000) g RETURNING id, workspace_id)
      INSERT INTO journey_runs (workspace_id, journey_id, version, profile_id, status, current_node, ended_at)
      SELECT p.workspace_id, j.id, 1, p.id, 'completed', 'x', now() FROM p, j LIMIT 300`);
    await db.query('ANALYZE');
    // The burst: runs that entered after the statistics were taken, each waiting on a timer.
    await db.query(`
      WITH r AS (
        INSERT INTO journey_runs (workspace_id, journey_id, version, profile_id, status, current_node)
        SELECT p.workspace_id, j.id, 1, p.id, 'active', 'd'
          FROM profiles p CROSS JOIN journeys j
         WHERE NOT EXISTS (SELECT 1 FROM journey_runs r WHERE r.profile_id = p.id)
        RETURNING id
      )
      INSERT INTO journey_timers (run_id, node_id, visit, kind, due_at) SELECT id, 'd', 1, 'delay', now() + interval '1 day' FROM r`);
    runId = (await db.query("SELECT id FROM journey_runs WHERE status = 'active' LIMIT 1")).rows[0].id;
  });
  afterAll(() => db.end());

  async function indexesUsed(sql: string, params: unknown[] = []): Promise<string[]> {
    const { rows } = await db.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
    const names: string[] = [];
    const walk = (node: Record<string, unknown>) => {
      if (typeof node['Index Name'] === 'string') names.push(node['Index Name']);
      for (const child of (node.Plans as Array<Record<string, unknown>> | undefined) ?? []) walk(child);
    };
    walk(rows[0]['QUERY PLAN'][0].Plan);
    return names;
  }

  it('leases and moves a run by its primary key, not through an index of active runs', async () => {
    expect(
      await indexesUsed(
        `UPDATE journey_runs SET lease_until = now() WHERE id = '${runId}' AND status = 'active' AND (lease_until IS NULL OR lease_until < now())`,
      ),
    ).toEqual(['journey_runs_pkey']);
    expect(
      await indexesUsed(`UPDATE journey_runs SET current_node = 'x' WHERE id = '${runId}' AND status = 'active' AND current_node = 'd'`),
    ).toEqual(['journey_runs_pkey']);
  });

  it("fires an ended run's timers through its own key, and due timers through the pending index", async () => {
    const [key] = await indexesUsed(`UPDATE journey_timers SET fired_at = now() WHERE run_id = '${runId}' AND fired_at IS NULL`);
    expect(key).toMatch(/^journey_timers_run_id/);
    expect(
      await indexesUsed(
        'SELECT id FROM journey_timers WHERE (CASE WHEN fired_at IS NULL THEN due_at END) <= now() ORDER BY (CASE WHEN fired_at IS NULL THEN due_at END) LIMIT 500',
      ),
    ).toEqual(['journey_timers_pending_idx']);
  });

  it('still allows one run in flight per profile and journey', async () => {
    const { rows } = await db.query('SELECT workspace_id, journey_id, profile_id FROM journey_runs WHERE id = $1', [runId]);
    const insert = (status: string) =>
      db.query('INSERT INTO journey_runs (workspace_id, journey_id, version, profile_id, status) VALUES ($1, $2, 1, $3, $4)', [
        rows[0].workspace_id,
        rows[0].journey_id,
        rows[0].profile_id,
        status,
      ]);
    await expect(insert('waiting')).rejects.toMatchObject({ code: '23505', constraint: 'journey_runs_in_flight_key' });
    await expect(insert('completed')).resolves.toBeDefined();
  });
});
