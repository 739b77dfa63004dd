import 'reflect-metadata';
import { ConfigError, loadConfig } from '../infra/config/app-config.js';
import { migrateDatabase } from '../infra/database/data-source.js';

/** `npm run migrate`: creates the database if missing and applies pending migrations. */
try {
  const config = loadConfig();
  const applied = await migrateDatabase(config.DATABASE_URL);
  process.stdout.write(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(', ')}\n` : 'Database is up to date.\n');
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : `Migration failed: ${(error as Error).stack ?? error}`}\n`);
  process.exit(1);
}
