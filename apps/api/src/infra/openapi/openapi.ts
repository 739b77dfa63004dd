import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

export const OPENAPI_JSON_PATH = 'api/openapi.json';
export const OPENAPI_DOCS_PATH = 'api/docs';

/** The OpenAPI 3 document of the core, built from the controllers' decorators. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Itinera API')
    .setDescription(
      'Event-driven customer journeys. Management routes under /api take `Authorization: Bearer <secret API key>` ' +
        'or an admin session cookie; ingestion under /v1 takes the write key as HTTP Basic user name.',
    )
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Secret API key (itn_sk_…)' })
    .addCookieAuth('itinera_session')
    .addBasicAuth({ type: 'http', scheme: 'basic', description: 'Write key (itn_wk_…) as the user name, empty password' }, 'writeKey')
    .addSecurityRequirements('bearer')
    .addSecurityRequirements('cookie')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
  });
  return sortKeys(document) as OpenAPIObject;
}

/** Stable key order, so the committed document only changes when the API does. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

export function serveOpenApi(app: INestApplication, document: OpenAPIObject): void {
  SwaggerModule.setup(OPENAPI_DOCS_PATH, app, document, {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    yamlDocumentUrl: 'api/openapi.yaml',
    customSiteTitle: 'Itinera API',
  });
}
