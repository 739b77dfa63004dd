import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import express from 'express';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import type { AppConfig } from './infra/config/app-config.js';
import { ApiExceptionFilter } from './infra/http/api-exception.filter.js';
import { createValidationPipe } from './infra/http/validation.js';
import { createLogger, NestPinoLogger } from './infra/logging/logger.js';
import { requestLogging } from './infra/logging/request-logging.js';
import { Metrics } from './infra/metrics/metrics.js';
import { buildOpenApiDocument, serveOpenApi } from './infra/openapi/openapi.js';
import { serveAdminSpa } from './infra/static/admin-spa.js';
import { ingestionBodyParser } from './modules/ingestion/ingestion-body.js';
import { webhookBodyParser } from './modules/messaging/provider-events/webhook-body.js';

const DEFAULT_ADMIN_DIST = fileURLToPath(new URL('../../admin/dist', import.meta.url));

export interface CreateAppOptions {
  logger?: Logger;
  /** Build the module graph without instantiating providers (no connections): for the OpenAPI export. */
  preview?: boolean;
}

/**
 * Builds the HTTP application with everything the API role serves: JSON body parsing with a size
 * limit, request logs with ids, metrics, the one exception filter and validation pipe, OpenAPI
 * and the admin SPA. Not listening yet: callers decide (main.ts listens; tests may too).
 */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<NestExpressApplication> {
  const logger = options.logger ?? createLogger(config);
  const metrics = new Metrics();
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ config, logger, metrics }), {
    bodyParser: false,
    logger: new NestPinoLogger(logger),
    preview: options.preview,
    abortOnError: false,
  });
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  app.disable('x-powered-by');
  app.use(requestLogging(logger));
  app.use(metrics.httpMiddleware());
  app.use(cookieParser());
  app.use('/v1', ...ingestionBodyParser());
  app.use('/webhooks', ...webhookBodyParser());
  app.use(express.json({ limit: config.ITINERA_BODY_LIMIT, type: ['application/json', 'application/*+json'] }));
  app.useGlobalFilters(new ApiExceptionFilter(logger));
  app.useGlobalPipes(createValidationPipe());
  serveOpenApi(app, buildOpenApiDocument(app));
  const adminDist = config.ITINERA_ADMIN_DIST ?? DEFAULT_ADMIN_DIST;
  if (!serveAdminSpa(app, adminDist)) {
    logger.warn({ adminDist }, 'admin SPA not built: `/` has no admin; run `npm run build` (or `npm start`)');
  }
  return app;
}
