import { randomBytes } from 'node:crypto';
import { type ApiProcess, startApiProcess } from '@itinera/testing';

const suffix = () => randomBytes(4).toString('hex');
/** Documentation addresses (RFC 5737), one per scenario, sent through the loopback proxy hop the API trusts. */
let nextAddress = 10;
const freshAddress = () => `198.51.100.${nextAddress++}`;

/**
 * Sign-in limits across two API processes sharing PostgreSQL: attempts counted by one process
 * count in the other, unknown and known e-mails are limited alike, a refusal is 429 with
 * Retry-After, and parallel attempts cannot overshoot a limit.
 */
describe('sign-in limits (integration: two API processes)', () => {
  const email = `limited-${suffix()}@example.test`;
  const password = `pw-${suffix()}-${suffix()}`;
  const env = {
    ITINERA_ROLE: 'api',
    ITINERA_ADMIN_EMAIL: email,
    ITINERA_ADMIN_PASSWORD: password,
    ITINERA_LOGIN_ACCOUNT_ATTEMPTS: '3',
    ITINERA_LOGIN_ADDRESS_ATTEMPTS: '6',
    ITINERA_LOGIN_WINDOW_SECONDS: '120',
  };
  let a: ApiProcess;
  let b: ApiProcess;
  /** The bootstrap owner's session, opened before any scenario spends attempts. */
  let ownerCookie: string;

  beforeAll(async () => {
    a = await startApiProcess(env);
    b = await startApiProcess(env);
    const response = await login(a, { email, password }, freshAddress());
    expect(response.status).toBe(200);
    ownerCookie = response.headers.get('set-cookie')!.split(';')[0];
  }, 90_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  const login = (api: ApiProcess, body: { email: string; password: string }, address: string) =>
    fetch(`${api.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
      body: JSON.stringify(body),
    });

  async function statuses(attempts: Array<[ApiProcess, { email: string; password: string }, string]>): Promise<number[]> {
    const result: number[] = [];
    for (const [api, body, address] of attempts) result.push((await login(api, body, address)).status);
    return result;
  }

  it("counts an account's attempts across processes; past the limit even the right password gets 429 with Retry-After", async () => {
    const wrong = { email, password: 'wrong-password' };
    expect(
      await statuses([
        [a, wrong, freshAddress()],
        [b, wrong, freshAddress()],
        [a, wrong, freshAddress()],
      ]),
    ).toEqual([401, 401, 401]);
    const limited = await login(b, wrong, freshAddress());
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(120);
    expect(((await limited.json()) as { message: string }).message).toMatch(/Too many sign-in attempts; try again in \d+ seconds/);
    expect((await login(a, { email, password }, freshAddress())).status).toBe(429);
    // Letter case does not make another account.
    expect((await login(b, { email: email.toUpperCase(), password }, freshAddress())).status).toBe(429);
  });

  it('limits an unknown e-mail exactly like a known one', async () => {
    const unknown = { email: `nobody-${suffix()}@example.test`, password: 'whatever-password' };
    expect(
      await statuses([
        [a, unknown, freshAddress()],
        [b, unknown, freshAddress()],
        [a, unknown, freshAddress()],
        [b, unknown, freshAddress()],
      ]),
    ).toEqual([401, 401, 401, 429]);
  });

  it("a successful sign-in starts the account's count over", async () => {
    const other = { email: `member-${suffix()}@example.test`, password: `pw-${suffix()}-${suffix()}` };
    // A member of the default workspace, added with the owner's session.
    const added = await fetch(`${a.url}/api/members`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: ownerCookie },
      body: JSON.stringify({ ...other, role: 'viewer' }),
    });
    expect(added.status).toBe(201);
    const wrong = { ...other, password: 'not-it' };
    expect(
      await statuses([
        [a, wrong, freshAddress()],
        [b, wrong, freshAddress()],
        [a, other, freshAddress()],
        [b, wrong, freshAddress()],
        [a, wrong, freshAddress()],
        [b, wrong, freshAddress()],
      ]),
    ).toEqual([401, 401, 200, 401, 401, 401]);
    expect((await login(a, wrong, freshAddress())).status).toBe(429);
  });

  it('limits a client address across processes, whatever e-mails it tries', async () => {
    const address = freshAddress();
    const attempt = (api: ApiProcess) =>
      login(api, { email: `spray-${suffix()}@example.test`, password: 'guess' }, address).then((r) => r.status);
    const answers: number[] = [];
    for (let i = 0; i < 6; i += 1) answers.push(await attempt(i % 2 === 0 ? a : b));
    expect(answers).toEqual([401, 401, 401, 401, 401, 401]);
    expect(await attempt(b)).toBe(429);
    expect(await attempt(a)).toBe(429);
    // Another address is not affected.
    expect((await login(a, { email: `spray-${suffix()}@example.test`, password: 'guess' }, freshAddress())).status).toBe(401);
  });

  it('parallel attempts on both processes cannot overshoot the limit', async () => {
    const target = { email: `parallel-${suffix()}@example.test`, password: 'guess' };
    const answers = await Promise.all(
      Array.from({ length: 16 }, (_, i) => login(i % 2 === 0 ? a : b, target, freshAddress()).then((r) => r.status)),
    );
    expect(answers.filter((s) => s === 401)).toHaveLength(3);
    expect(answers.filter((s) => s === 429)).toHaveLength(13);
  });
});
