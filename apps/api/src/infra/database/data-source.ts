import pg from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations/index.js';
import { PreparingClient } from './prepared-statements.js';

/** Any fixed number: the advisory lock that serialises migrations across pods starting together. */
const MIGRATION_LOCK_KEY = 741_852_963;

/** `entities`: the application's TypeORM entities (`src/entities.ts`); migrations need none. */
export function dataSourceOptions(databaseUrl: string, entities: DataSourceOptions['entities'] = []): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    // Connections are renewed every minute so that no cached plan of a prepared statement outlives
    // by much the table sizes and statistics it was made for (see prepared-statements.ts).
    extra: { max: 20, connectionTimeoutMillis: 5000, maxLifetimeSeconds: 60, Client: PreparingClient },
  };
}

/** Creates the database named in the URL when it does not exist yet (first start on a fresh server). */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!name) throw new Error('DATABASE_URL must name a database, e.g. postgres://postgres@127.0.0.1:5432/itinera');
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return false;
    try {
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    } catch (error) {
      // Created meanwhile by another process starting at the same moment.
      if (!['42P04', '23505'].includes((error as { code?: string }).code ?? '')) throw error;
    }
    return true;
  } finally {
    await client.end();
  }
}

/** Applies pending migrations under an advisory lock; returns the names of those applied. */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}

/** Ensures the database exists and is migrated, with a short-lived connection. */
export async function migrateDatabase(databaseUrl: string): Promise<string[]> {
  await ensureDatabase(databaseUrl);
  const dataSource = new DataSource({ ...dataSourceOptions(databaseUrl), extra: { max: 2 } });
  await dataSource.initialize();
  try {
    return await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
