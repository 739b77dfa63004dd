import pg from 'pg';
import { type ApiProcess, startApiProcess } from '../../../../../tools/testing/api-process.js';
import { call, FAULT_WRITE_KEY, faultEnv } from '../../testing/journey-load.js';

/**
 * Publishing reaches worker processes at once: a worker that has just read the workspace's active
 * journeys enters a journey published a moment later, for an event sent right after publishing.
 */
describe('publishing with a separate worker process (integration: real processes, PostgreSQL, Redis)', () => {
  let api: ApiProcess;
  let worker: ApiProcess;
  let db: pg.Client;

  beforeAll(async () => {
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `/itinera_test_${process.env.ITINERA_TEST_RUN_ID}_publish`;
    const env = faultEnv(url.toString(), `${process.env.REDIS_PREFIX}_publish`);
    worker = await startApiProcess({ ...env, ITINERA_ROLE: 'worker' });
    api = await startApiProcess({ ...env, ITINERA_ROLE: 'api' });
    db = new pg.Client({ connectionString: url.toString() });
    await db.connect();
  }, 60_000);

  afterAll(async () => {
    await worker?.stop('SIGTERM');
    await api?.stop('SIGTERM');
    await db?.end();
  });

  const publish = async (name: string, event: string) => {
    const journey = await call(api, 'POST', '/api/journeys', {
      name,
      definition: {
        entry: { reentry: 'always' },
        nodes: [
          { id: 't', type: 'trigger', config: { event } },
          { id: 'x', type: 'exit' },
        ],
        edges: [{ from: 't', to: 'x' }],
      },
    });
    expect((await call(api, 'POST', `/api/journeys/${journey.body.id}/publish`, {})).status).toBe(201);
    return journey.body.id as string;
  };
  const track = async (event: string) =>
    expect(
      (
        await call(
          api,
          'POST',
          '/v1/track',
          { userId: 'publisher', event },
          `Basic ${Buffer.from(`${FAULT_WRITE_KEY}:`).toString('base64')}`,
        )
      ).status,
    ).toBe(200);
  const runsOf = async (journeyId: string, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await db.query('SELECT count(*)::int AS n FROM journey_runs WHERE journey_id = $1', [journeyId]);
      if (rows[0].n > 0 || Date.now() > deadline) return rows[0].n as number;
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it('an event sent right after publishing enters the new journey', async () => {
    const first = await publish('Warm', 'warm');
    await track('warm');
    // The worker has now read the workspace's active journeys (to enter "Warm").
    expect(await runsOf(first, 10_000)).toBe(1);
    const second = await publish('Right after', 'hot');
    await track('hot');
    expect(await runsOf(second, 5_000)).toBe(1);
  }, 30_000);
});
