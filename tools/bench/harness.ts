/**
 * What the benchmark scripts share: argument checks, a throwaway run identity, CPU readings from
 * /proc, percentiles, console output, and the clean-up of the run's database and Redis keys.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import pg from 'pg';
import { deleteKeysMatching } from '../testing/redis-keys.js';

export const ADMIN_URL = process.env.ITINERA_BENCH_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** An option's number, or exit 2 saying what is wrong with it. */
export function positive(name: string, value: string, allowZero = false): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) {
    process.stderr.write(`--${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${JSON.stringify(value)}\n`);
    process.exit(2);
  }
  return n;
}

// ───────────────────────────── run identity ─────────────────────────────

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const randomAlnum = (length: number) => [...randomBytes(length)].map((b) => ALNUM[b % ALNUM.length]).join('');

/** One run's throwaway database and Redis prefix (the same name), and the database's URL. */
export function runIdentity(): { runId: string; database: string; redisPrefix: string; databaseUrl: string } {
  const runId = randomBytes(4).toString('hex');
  const database = `itinera_bench_${runId}`;
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  return { runId, database, redisPrefix: database, databaseUrl: url.toString() };
}

/** Drops the run's database (when this run created it) and deletes its Redis keys; reports, never throws. */
export async function dropRunData(
  admin: pg.Client | undefined,
  database: string,
  databaseCreated: boolean,
  redisPrefix: string,
): Promise<void> {
  if (admin && databaseCreated) {
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)} WITH (FORCE)`).catch((error: Error) => {
      process.stderr.write(`Could not drop database ${database}: ${error.message}\n`);
    });
  }
  await admin?.end().catch(() => undefined);
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2, lazyConnect: true });
  try {
    await redis.connect();
    await deleteKeysMatching(redis, `${redisPrefix}*`);
  } catch (error) {
    process.stderr.write(`Could not delete Redis keys ${redisPrefix}*: ${(error as Error).message}\n`);
  } finally {
    redis.disconnect();
  }
}

export async function redisVersion(): Promise<string> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    return /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? 'unknown';
  } catch {
    return 'unreachable';
  } finally {
    redis.disconnect();
  }
}

// ───────────────────────────── CPU of processes ─────────────────────────────

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of a process, in clock ticks (threads included). */
function processTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** CPU ticks of every PostgreSQL backend connected to `database`, by pid. */
function postgresBackendTicks(database: string): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.startsWith('postgres:') && cmdline.includes(` ${database} `)) ticks.set(Number(entry), processTicks(Number(entry)));
    } catch {
      // gone meanwhile
    }
  }
  return ticks;
}

/** Busy and total jiffies of the whole machine (every process, ours or not). */
function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  const idleAll = idle + iowait;
  const total = user + nice + system + idleAll + irq + softirq + steal;
  return { busy: total - idleAll, total };
}

export interface CpuSample {
  at: number;
  procs: Map<string, number>;
  pg: Map<number, number>;
  client: NodeJS.CpuUsage;
  machine: { busy: number; total: number };
}

/** Samples the CPU of named processes (pids), `database`'s PostgreSQL backends, this process and the machine. */
export function sampleCpu(pids: Record<string, number | undefined>, database: string): CpuSample {
  const procs = new Map<string, number>();
  for (const [name, pid] of Object.entries(pids)) if (pid) procs.set(name, processTicks(pid));
  return { at: performance.now(), procs, pg: postgresBackendTicks(database), client: process.cpuUsage(), machine: machineTicks() };
}

/** Cores used between two samples (1.0 = one core busy the whole time), by name, plus `postgres`, `bench` and `machine`. */
export function cpuBetween(a: CpuSample, b: CpuSample): Record<string, number> {
  const seconds = (b.at - a.at) / 1000;
  const result: Record<string, number> = {};
  for (const [name, t] of b.procs) result[name] = (t - (a.procs.get(name) ?? t)) / CLOCK_TICKS / seconds;
  let pgTicks = 0;
  for (const [pid, t] of b.pg) pgTicks += t - (a.pg.get(pid) ?? 0);
  result.postgres = pgTicks / CLOCK_TICKS / seconds;
  const client = process.cpuUsage(a.client);
  result.bench = (client.user + client.system) / 1e6 / seconds;
  const machineTotal = b.machine.total - a.machine.total;
  result.machine = machineTotal > 0 ? ((b.machine.busy - a.machine.busy) / machineTotal) * os.cpus().length : 0;
  return result;
}

// ───────────────────────────── figures and output ─────────────────────────────

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const fmt = (n: number, digits = 0) =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '—';
export const out = (line = '') => process.stdout.write(`${line}\n`);

export function table(head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  out(line(head));
  out(widths.map((w) => '─'.repeat(w)).join('  '));
  for (const row of rows) out(line(row));
}
