import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startApiProcess } from '@itinera/testing';
import { sha256 } from './modules/auth/secret-tokens.js';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

function databaseUrl(suffix: string): string {
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/itinera_test_${process.env.ITINERA_TEST_RUN_ID}_${suffix}`;
  return url.toString();
}

async function count(url: string, sql: string, params: unknown[] = []): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Number((await client.query(sql, params)).rows[0].n);
  } finally {
    await client.end();
  }
}

/** The built entry point, as `npm start` runs it, on a database of its own that does not exist yet. */
describe('start-up (integration: real process)', () => {
  it('creates and migrates the database, seeds a demo workspace once, prints working credentials once', async () => {
    const url = databaseUrl('start_demo');
    const first = await startApiProcess({ DATABASE_URL: url, ITINERA_DEMO: 'true' });
    let printed: string;
    try {
      printed = first.output();
      const password = /Password\s+(\S+)/.exec(printed)?.[1];
      const secretKey = /Secret key\s+(itn_sk_\S+)/.exec(printed)?.[1];
      const writeKey = /Write key\s+(itn_wk_\S+)/.exec(printed)?.[1];
      expect(printed).toContain('demo@itinera.local');
      expect(password && secretKey && writeKey).toBeTruthy();

      const login = await fetch(`${first.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: 'demo@itinera.local', password }),
      });
      expect(login.status).toBe(200);
      const me = await fetch(`${first.url}/api/auth/me`, { headers: { Authorization: `Bearer ${secretKey}` } });
      expect(((await me.json()) as { workspace: { name: string } }).workspace.name).toBe('Demo workspace');
      expect(await count(url, 'SELECT count(*) AS n FROM api_keys WHERE key_hash = $1', [sha256(writeKey!)])).toBe(1);
      const profiles = await fetch(`${first.url}/api/profiles`, { headers: { Authorization: `Bearer ${secretKey}` } });
      const demo = (await profiles.json()) as { data: Array<{ userId: string; account: { groupId: string } | null }> };
      expect(demo.data.map((p) => p.userId).sort()).toEqual(['demo-ada', 'demo-grace', 'demo-linus']);
      expect(demo.data.find((p) => p.userId === 'demo-grace')?.account?.groupId).toBe('globex');
    } finally {
      expect(await first.stop()).toBe(0);
    }

    const second = await startApiProcess({ DATABASE_URL: url, ITINERA_DEMO: 'true' });
    try {
      expect(second.output()).not.toContain('Password');
      expect(await count(url, 'SELECT count(*) AS n FROM workspaces')).toBe(1);
    } finally {
      await second.stop();
    }
  }, 60_000);

  it('ITINERA_BOOTSTRAP_* and ITINERA_ADMIN_* exist after start, idempotently across restarts', async () => {
    const url = databaseUrl('start_bootstrap');
    const env = {
      DATABASE_URL: url,
      ITINERA_BOOTSTRAP_WRITE_KEY: 'itn_wk_bootstrapwritekey0001',
      ITINERA_BOOTSTRAP_SECRET_KEY: 'itn_sk_bootstrapsecretkey001',
      ITINERA_ADMIN_EMAIL: 'Admin@Example.test',
      ITINERA_ADMIN_PASSWORD: 'first-password',
    };
    for (const password of ['first-password', 'second-password']) {
      const api = await startApiProcess({ ...env, ITINERA_ADMIN_PASSWORD: password });
      try {
        const me = await fetch(`${api.url}/api/auth/me`, { headers: { Authorization: `Bearer ${env.ITINERA_BOOTSTRAP_SECRET_KEY}` } });
        expect(await me.json()).toMatchObject({ workspace: { name: 'Default workspace' }, role: 'owner' });
        const login = await fetch(`${api.url}/api/auth/login`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ email: 'admin@example.test', password }),
        });
        expect(login.status).toBe(200);
      } finally {
        await api.stop();
      }
    }
    expect(await count(url, 'SELECT count(*) AS n FROM workspaces')).toBe(1);
    expect(await count(url, 'SELECT count(*) AS n FROM api_keys')).toBe(2);
    expect(await count(url, 'SELECT count(*) AS n FROM users')).toBe(1);
    expect(await count(url, "SELECT count(*) AS n FROM api_keys WHERE key_hash LIKE 'itn_%'")).toBe(0);
  }, 60_000);

  it('refuses to start on invalid configuration, naming the variables', () => {
    const result = spawnSync(process.execPath, [MAIN], {
      env: { ...process.env, PORT: 'not-a-port', ITINERA_ROLE: 'everything', NODE_ENV: 'production', ITINERA_SECRET: '' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Invalid configuration');
    for (const name of ['PORT', 'ITINERA_ROLE', 'ITINERA_SECRET']) expect(result.stderr).toContain(name);
  });
});
