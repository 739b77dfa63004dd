import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { type ApiProcess, startApiProcess } from '@itinera/testing';

const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
const REPEATS = 10;

/** CPU time (user + system, every thread) the process has used, in milliseconds, from /proc. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

const wideArray = (elements: number) => `[${new Array(elements).fill('1').join(',')}]`;
const deepArrays = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
const deepObject = `{"email":"a@b.test","password":"x","a":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`;

/**
 * The bodies that blocked the event loop for seconds, sent to routes that need no credentials,
 * to a real API process: each is refused with a short 4xx, and the server's own CPU time (read
 * from /proc, so the client's work does not count) stays under 100 ms per request.
 */
describe('unauthenticated requests cost the server little, however the body is shaped (integration: API process)', () => {
  let api: ApiProcess;

  beforeAll(async () => {
    api = await startApiProcess({ ITINERA_ROLE: 'api' });
    // Warm up the routes (first requests compile code paths).
    for (let i = 0; i < 3; i += 1)
      await fetch(`${api.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: wideArray(20_000),
      });
  }, 60_000);

  afterAll(async () => {
    await api?.stop();
  });

  const cases: Array<[string, string, string]> = [
    ['a 1 MB wide array to POST /api/auth/login', '/api/auth/login', wideArray(500_000)],
    ['a 10,000-deep array to POST /api/auth/login', '/api/auth/login', deepArrays],
    ['a 10,000-deep field to POST /api/auth/login', '/api/auth/login', deepObject],
    ['a 480 KB wide array to POST /v1/batch', '/v1/batch', wideArray(240_000)],
    ['a batch of a 480 KB wide array to POST /v1/batch', '/v1/batch', `{"batch":${wideArray(240_000)}}`],
    ['a 10,000-deep array to POST /v1/track', '/v1/track', deepArrays],
    ['a 1 MB wide array to POST /unsubscribe/{token}', '/unsubscribe/not-a-token', wideArray(500_000)],
    ['a 10,000-deep array to POST /inbox/{userId}/messages/bulk', '/inbox/u1/messages/bulk', deepArrays],
  ];

  it.each(cases)('%s: 4xx, a small answer, under 100 ms of server CPU', async (_name, path, body) => {
    const before = cpuMs(api.child.pid!);
    for (let i = 0; i < REPEATS; i += 1) {
      const response = await fetch(`${api.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const text = await response.text();
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(text.length).toBeLessThan(1024);
    }
    const perRequest = (cpuMs(api.child.pid!) - before) / REPEATS;
    expect(perRequest).toBeLessThan(100);
  });
});
