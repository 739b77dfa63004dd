import pg from 'pg';
import { ensureDatabase, migrateDatabase } from './data-source.js';
import { MIGRATIONS } from './migrations/index.js';

/** A database of this test run that does not exist yet (dropped by the global teardown). */
function freshDatabaseUrl(suffix: string): string {
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/itinera_test_${process.env.ITINERA_TEST_RUN_ID}_${suffix}`;
  return url.toString();
}

async function query<T>(databaseUrl: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('migrations (integration: PostgreSQL)', () => {
  it('create the database when missing and apply every migration to it from empty', async () => {
    const url = freshDatabaseUrl('migrate_empty');
    const applied = await migrateDatabase(url);
    expect(applied).toEqual(MIGRATIONS.map((m) => m.name));
    const tables = await query<{ table_name: string }>(
      url,
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(['api_keys', 'memberships', 'migrations', 'sessions', 'users', 'workspaces']),
    );
  });

  it('are idempotent: a second run applies nothing', async () => {
    const url = freshDatabaseUrl('migrate_twice');
    await migrateDatabase(url);
    expect(await migrateDatabase(url)).toEqual([]);
    expect(await ensureDatabase(url)).toBe(false);
  });

  it('are safe when several processes start at once (advisory lock)', async () => {
    const url = freshDatabaseUrl('migrate_concurrent');
    const results = await Promise.all([migrateDatabase(url), migrateDatabase(url), migrateDatabase(url)]);
    expect(results.flat()).toEqual(MIGRATIONS.map((m) => m.name));
    const rows = await query<{ n: string }>(url, 'SELECT count(*) AS n FROM migrations');
    expect(Number(rows[0].n)).toBe(MIGRATIONS.length);
  });

  it('enforce what the code relies on: unique key hashes and lower-case e-mails', async () => {
    const url = freshDatabaseUrl('migrate_constraints');
    await migrateDatabase(url);
    await expect(query(url, "INSERT INTO users (email, password_hash) VALUES ('Upper@Example.test', 'x')")).rejects.toThrow(
      /check constraint/,
    );
    const [ws] = await query<{ id: string }>(url, "INSERT INTO workspaces (name) VALUES ('w') RETURNING id");
    const insertKey = `INSERT INTO api_keys (workspace_id, name, kind, role, prefix, key_hash) VALUES ('${ws.id}', 'k', 'write', NULL, 'itn_wk_abcd', 'same')`;
    await query(url, insertKey);
    await expect(query(url, insertKey)).rejects.toThrow(/duplicate key/);
    await expect(
      query(
        url,
        `INSERT INTO api_keys (workspace_id, name, kind, role, prefix, key_hash) VALUES ('${ws.id}', 'k', 'secret', NULL, 'p', 'h2')`,
      ),
    ).rejects.toThrow(/check constraint/);
  });
});
