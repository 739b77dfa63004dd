import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type ApiProcess, freePort, startApiProcess } from '../../../../../tools/testing/api-process.js';
import { startSmtpFake, type SmtpFake } from '../../../../../tools/fakes/smtp.js';
import { expectEachSendOnce, faultEnv, runsCompleted, sendUsers, startJourneyLoad } from '../../testing/journey-load.js';

/**
 * PostgreSQL restarted mid-load. So that no other test is disturbed, this test runs its own
 * PostgreSQL server (the machine's binaries, a throwaway data folder and port) and restarts
 * that one, with the API and a worker connected to it.
 */
const BIN = existsSync('/usr/lib/postgresql')
  ? readdirSync('/usr/lib/postgresql')
      .map((v) => `/usr/lib/postgresql/${v}/bin`)
      .find((d) => existsSync(`${d}/initdb`))
  : undefined;
const asPostgres = (command: string, args: string[]) =>
  execFileSync('runuser', ['-u', 'postgres', '--', `${BIN}/${command}`, ...args], { stdio: 'pipe', timeout: 60_000 }).toString();

(BIN ? describe : describe.skip)('engine when PostgreSQL restarts (integration: a PostgreSQL server of its own, real processes)', () => {
  let dir: string;
  let port: number;
  let smtp: SmtpFake;
  let api: ApiProcess | undefined;
  let worker: ApiProcess | undefined;
  let db: pg.Client | undefined;
  const pgctl = (...args: string[]) => asPostgres('pg_ctl', ['-D', join(dir, 'data'), '-l', join(dir, 'log'), '-w', '-t', '60', ...args]);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'itinera-pg-'));
    chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
    port = await freePort();
    asPostgres('initdb', ['-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
    pgctl('-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start');
    smtp = await startSmtpFake();
  }, 120_000);

  afterAll(async () => {
    await worker?.stop('SIGTERM');
    await api?.stop('SIGTERM');
    await db?.end().catch(() => undefined);
    await smtp?.close();
    try {
      pgctl('-m', 'immediate', 'stop');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('runs, timers and sends recover after a restart, with nothing lost and nothing sent twice', async () => {
    const databaseUrl = `postgres://postgres@127.0.0.1:${port}/itinera`;
    const env = faultEnv(databaseUrl, `${process.env.REDIS_PREFIX}_pgrestart`);
    worker = await startApiProcess({ ...env, ITINERA_ROLE: 'worker' });
    api = await startApiProcess({ ...env, ITINERA_ROLE: 'api' });
    const users = 30;
    const journeyId = await startJourneyLoad(api, smtp, 'pgr', users);
    await new Promise((r) => setTimeout(r, 500));

    pgctl('-m', 'fast', 'restart', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`);

    // Events sent once PostgreSQL is back are taken too (the API may answer 503 while it restarts).
    for (let attempt = 0; ; attempt += 1) {
      try {
        await sendUsers(api, 'pgr', users, users + 10);
        break;
      } catch (error) {
        if (attempt > 20) throw error;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    await runsCompleted(db, journeyId, users + 10, 120_000);
    // A send in flight at the moment of the restart may end with an unknown outcome (not resent).
    await expectEachSendOnce(db, smtp, 'pgr', users + 10, 8);
  }, 240_000);
});
