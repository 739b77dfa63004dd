import { Redis } from 'ioredis';
import pg from 'pg';
import { type ApiProcess, startApiProcess, deleteKeysMatching } from '@itinera/testing';
import { startSmtpFake, type SmtpFake } from '@itinera/fakes';
import { expectEachSendOnce, faultEnv, runsCompleted, sendUsers, startJourneyLoad } from '../../testing/journey-load.js';

/**
 * Fault tests with real processes, counted at the fake provider: two workers in parallel, one
 * killed with SIGKILL mid-load; a worker killed while it advances the runs it entered from a
 * page; Redis losing every key of the deployment mid-load; and the worker's partition-lock
 * connection killed by PostgreSQL.
 */
function databaseUrl(suffix: string): string {
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/itinera_test_${process.env.ITINERA_TEST_RUN_ID}_${suffix}`;
  return url.toString();
}

describe('engine under faults (integration: real processes, PostgreSQL, Redis, SMTP sink)', () => {
  let smtp: SmtpFake;
  let api: ApiProcess | undefined;
  const workers: ApiProcess[] = [];
  const prefix = `${process.env.REDIS_PREFIX}_faults`;
  let db: pg.Client | undefined;

  async function start(suffix: string, workerCount: number) {
    const env = faultEnv(databaseUrl(suffix), prefix);
    for (let i = 0; i < workerCount; i += 1) workers.push(await startApiProcess({ ...env, ITINERA_ROLE: 'worker' }));
    api = await startApiProcess({ ...env, ITINERA_ROLE: 'api' });
    db = new pg.Client({ connectionString: databaseUrl(suffix) });
    await db.connect();
    return env;
  }

  beforeAll(async () => {
    smtp = await startSmtpFake();
  });

  afterEach(async () => {
    for (const w of workers.splice(0)) await w.stop('SIGTERM');
    await api?.stop('SIGTERM');
    await db?.end();
  });

  afterAll(async () => {
    await smtp.close();
  });

  it('two workers in parallel, one killed with SIGKILL mid-load: every run completes, no send twice', async () => {
    const env = await start('kill9', 2);
    const users = 40;
    const journeyId = await startJourneyLoad(api!, smtp, 'kill9', users);
    await new Promise((r) => setTimeout(r, 300));
    const victim = workers.shift()!;
    expect(await victim.stop('SIGKILL')).toBeNull();
    workers.push(await startApiProcess({ ...env, ITINERA_ROLE: 'worker' }));
    await runsCompleted(db!, journeyId, users);
    // At most one send per job the killed worker had in flight can end with an unknown outcome.
    await expectEachSendOnce(db!, smtp, 'kill9', users, 8);
  }, 120_000);

  it('a worker killed while it advances the runs it entered from one page: every run completes, no send twice', async () => {
    const env = await start('kill9page', 1);
    const users = 300;
    // One batch: the consumer enters its runs a page at a time, leased to itself, and advances them.
    const journeyId = await startJourneyLoad(api!, smtp, 'kill9page', users);
    const firstSends = () => smtp.messages.filter((m) => m.to.some((to) => to.startsWith('kill9page-'))).length;
    const deadline = Date.now() + 30_000;
    while (firstSends() < 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(await workers.shift()!.stop('SIGKILL')).toBeNull();
    const { rows } = await db!.query("SELECT count(*)::int AS n FROM journey_runs WHERE journey_id = $1 AND status = 'completed'", [
      journeyId,
    ]);
    expect(rows[0].n).toBeLessThan(users); // killed mid-load
    workers.push(await startApiProcess({ ...env, ITINERA_ROLE: 'worker' }));
    // The dead worker's leases run out (15 s), then the reconciler moves its runs again.
    await runsCompleted(db!, journeyId, users, 100_000);
    await expectEachSendOnce(db!, smtp, 'kill9page', users, 8);
  }, 150_000);

  it("the connection holding a worker's stream partitions is killed: it claims them again and events keep entering runs", async () => {
    await start('locklost', 1);
    const journeyId = await startJourneyLoad(api!, smtp, 'locklost', 10);
    const killLockSessions = () =>
      db!.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%pg_try_advisory_lock%' AND pid <> pg_backend_pid()`,
      );
    expect((await killLockSessions()).rowCount).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 3000)); // a claim round on a new connection
    await killLockSessions();
    await sendUsers(api!, 'locklost', 10, 20);
    await runsCompleted(db!, journeyId, 20, 60_000);
    await expectEachSendOnce(db!, smtp, 'locklost', 20);
  }, 120_000);

  it('Redis loses every key mid-load: PostgreSQL state re-drives runs and timers, every send delivered once', async () => {
    await start('flush', 1);
    const users = 30;
    const journeyId = await startJourneyLoad(api!, smtp, 'flush', users);
    await new Promise((r) => setTimeout(r, 300));
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    await deleteKeysMatching(redis, `${prefix}:*`);
    redis.disconnect();
    await runsCompleted(db!, journeyId, users, 90_000);
    await expectEachSendOnce(db!, smtp, 'flush', users);
  }, 150_000);
});
