import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import { createApp } from './create-app.js';
import { AppConfig, ConfigError, loadConfig } from './infra/config/app-config.js';
import { migrateDatabase } from './infra/database/data-source.js';
import { createLogger, NestPinoLogger } from './infra/logging/logger.js';
import { Metrics } from './infra/metrics/metrics.js';
import { BootstrapService, type DemoCredentials } from './modules/bootstrap/bootstrap.service.js';

/** Entry point of every role: migrates, seeds, then serves HTTP (api, all) and/or consumes queues (worker, all). */
async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nFix the variables above and start again.\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config);
  if (config.usesDevelopmentSecret) {
    logger.warn('ITINERA_SECRET is not set: stored secrets use a development key; set ITINERA_SECRET before production use');
  }

  const applied = await migrateDatabase(config.DATABASE_URL);
  if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');

  if (!config.runsApi) {
    const context = await NestFactory.createApplicationContext(AppModule.forRoot({ config, logger, metrics: new Metrics() }), {
      logger: new NestPinoLogger(logger),
      abortOnError: false,
    });
    closeOnSignals(context, logger);
    logger.info({ role: config.ITINERA_ROLE, concurrency: config.ITINERA_WORKER_CONCURRENCY }, 'worker ready');
    return;
  }

  const app = await createApp(config, { logger });
  closeOnSignals(app, logger);
  await app.init();
  const demo = await app.get(BootstrapService).run();
  await app.listen(config.PORT, config.HOST);
  logger.info({ role: config.ITINERA_ROLE, port: config.PORT }, config.runsWorker ? 'api and worker ready' : 'api ready');
  printWelcome(config, demo);
}

/**
 * SIGTERM/SIGINT: stop taking work, let in-flight requests and jobs finish (queue workers close
 * before any connection does), close connections, exit 0. A second signal exits at once.
 */
function closeOnSignals(app: INestApplicationContext, logger: Logger): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    closing = true;
    logger.info({ signal }, 'shutting down: draining in-flight work');
    app.close().then(
      () => {
        logger.info('shut down cleanly');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

function printWelcome(config: AppConfig, demo: DemoCredentials | undefined): void {
  const url = config.publicUrl;
  const lines = [`Itinera is running: ${url}/  (API docs: ${url}/api/docs)`];
  if (demo) {
    lines.push(
      '',
      `A demo workspace was created ("${demo.workspaceName}"). These credentials are shown once:`,
      `  Admin login  ${url}/login`,
      `  E-mail       ${demo.adminEmail}`,
      `  Password     ${demo.adminPassword}`,
      `  Write key    ${demo.writeKey}   (ingestion: HTTP Basic user name on /v1/*)`,
      `  Secret key   ${demo.secretKey}   (management: Authorization: Bearer on /api/*)`,
      '',
      'Lost them? Set ITINERA_ADMIN_EMAIL and ITINERA_ADMIN_PASSWORD and restart to (re)set an owner login.',
    );
  }
  process.stdout.write(`\n${lines.join('\n')}\n\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`Itinera failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
