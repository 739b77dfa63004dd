import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const API_ENTRY = fileURLToPath(new URL('../../apps/api/dist/main.js', import.meta.url));

export interface ApiProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** Sends a signal and resolves with the exit code once the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * A database and a Redis prefix of the suite's own, derived from the run's (so the run's teardown
 * drops them). For a process that bootstraps the default workspace: the run's shared database has
 * as its first workspace whatever suite happened to create one first, with that suite's data.
 */
export function isolatedStoreEnv(name: string): { DATABASE_URL: string; REDIS_PREFIX: string } {
  const database = new URL(process.env.DATABASE_URL!);
  database.pathname = `${database.pathname}_${name.replace(/\W+/g, '_')}`;
  return { DATABASE_URL: database.toString(), REDIS_PREFIX: `${process.env.REDIS_PREFIX}_${name.replace(/\W+/g, '_')}` };
}

/**
 * Starts the built API (`apps/api/dist/main.js`, built by `npm test` before Jest runs) as a real
 * process on a free port, with the test run's database and Redis prefix, and waits for /readyz.
 * With ITINERA_ROLE=worker there is no HTTP server, so it waits for the "worker ready" log line.
 */
export async function startApiProcess(env: Record<string, string> = {}, timeoutMs = 30_000): Promise<ApiProcess> {
  const port = await freePort();
  let output = '';
  // Node refuses --cpu-prof in NODE_OPTIONS: ITINERA_CPU_PROF_DIR profiles the API processes a benchmark starts.
  const profile = process.env.ITINERA_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.ITINERA_CPU_PROF_DIR}`] : [];
  const child = spawn(process.execPath, [...profile, API_ENTRY], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', ITINERA_DEMO: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const workerOnly = (env.ITINERA_ROLE ?? process.env.ITINERA_ROLE) === 'worker';
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`API process exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`API process not ready after ${timeoutMs} ms:\n${output}`);
    }
    if (workerOnly ? output.includes('"worker ready"') || output.includes('worker ready') : await isReady(url)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    child,
    output: () => output,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

async function isReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/readyz`);
    return response.status === 200;
  } catch {
    return false;
  }
}
