import { randomUUID } from 'node:crypto';
import { PreparingClient } from './prepared-statements.js';

describe('PreparingClient (integration: PostgreSQL)', () => {
  let client: PreparingClient;

  beforeAll(async () => {
    client = new PreparingClient({ connectionString: process.env.DATABASE_URL });
    await client.connect();
  });
  afterAll(() => client.end());

  const preparedTexts = async () =>
    ((await client.query('SELECT statement FROM pg_prepared_statements')).rows as Array<{ statement: string }>).map((r) => r.statement);

  it('prepares a parameterised statement once it repeats, and answers the same on every run', async () => {
    const text = `SELECT $1::int + 1 AS n, '${randomUUID()}' AS tag`;
    const answers = [];
    for (let i = 0; i < 4; i += 1) answers.push((await client.query(text, [i])).rows[0].n);
    expect(answers).toEqual([1, 2, 3, 4]);
    expect((await preparedTexts()).filter((s) => s === text)).toHaveLength(1);
  });

  it('leaves statements without parameters, and statements run once, unprepared', async () => {
    const once = `SELECT $1::text AS once_${randomUUID().slice(0, 8)}`;
    await client.query(once, ['x']);
    const plain = `SELECT 1 AS plain_${randomUUID().slice(0, 8)}`;
    for (let i = 0; i < 3; i += 1) await client.query(plain);
    const prepared = await preparedTexts();
    expect(prepared).not.toContain(once);
    expect(prepared).not.toContain(plain);
  });

  it('keeps reporting errors of a prepared statement to the caller, and the statement stays usable', async () => {
    const text = 'SELECT 1 / $1::int AS q';
    expect((await client.query(text, [1])).rows[0].q).toBe(1);
    await expect(client.query(text, [0])).rejects.toMatchObject({ code: '22012' });
    expect((await client.query(text, [2])).rows[0].q).toBe(0);
  });

  it('keeps at most 400 named statements on one connection; further texts still run, unprepared', async () => {
    const fresh = new PreparingClient({ connectionString: process.env.DATABASE_URL });
    await fresh.connect();
    try {
      const tag = randomUUID().slice(0, 8);
      for (let i = 0; i < 420; i += 1) {
        const text = `SELECT $1::int AS n_${tag}_${i}`;
        await fresh.query(text, [i]);
        expect(Object.values((await fresh.query(text, [i])).rows[0])).toEqual([i]);
      }
      const { rows } = await fresh.query('SELECT count(*)::int AS n FROM pg_prepared_statements');
      expect(rows[0].n).toBe(400);
    } finally {
      await fresh.end();
    }
  });
});
