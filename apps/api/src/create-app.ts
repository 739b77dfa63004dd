import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import type { AppConfig } from './infra/config/app-config.js';
import { ApiExceptionFilter } from './infra/http/api-exception.filter.js';
import { browserCors, crossOriginResources, securityHeaders } from './infra/http/browser-access.js';
import { stringCookies } from './infra/http/cookies.js';
import { BODY_LIMITS } from './infra/http/input-rules.js';
import { jsonBodyParser } from './infra/http/json-body.js';
import { JsonBodyRequiredInterceptor } from './infra/http/json-body-required.interceptor.js';
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
 * Builds the HTTP application with everything the API role serves: security headers, CORS for
 * the browser-facing routes, JSON body parsing with size, depth, width and text bounds, request
 * logs with ids, metrics, the one exception filter and validation pipe, OpenAPI and the admin SPA.
 * Not listening yet: callers decide (main.ts listens; tests may too).
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
  app.use(securityHeaders(config.publicUrl));
  app.use('/t', crossOriginResources());
  app.use('/v1', browserCors('ingestion'));
  app.use('/inbox', browserCors('inbox'));
  app.use(...stringCookies());
  app.use('/v1', ...ingestionBodyParser());
  app.use('/webhooks', ...webhookBodyParser());
  app.use(jsonBodyParser({ limit: config.ITINERA_BODY_LIMIT, structure: BODY_LIMITS, checkText: true }));
  app.useGlobalFilters(new ApiExceptionFilter(logger));
  app.useGlobalInterceptors(new JsonBodyRequiredInterceptor());
  app.useGlobalPipes(createValidationPipe());
  serveOpenApi(app, buildOpenApiDocument(app));
  const adminDist = config.ITINERA_ADMIN_DIST ?? DEFAULT_ADMIN_DIST;
  if (!serveAdminSpa(app, adminDist)) {
    logger.warn({ adminDist }, 'admin SPA not built: `/` has no admin; run `npm run build` (or `npm start`)');
  }
  return app;
}
