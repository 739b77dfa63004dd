import { createApp } from '../../create-app.js';
import { loadConfig } from '../config/app-config.js';
import { createLogger } from '../logging/logger.js';
import { buildOpenApiDocument } from './openapi.js';

/** The document as committed in apps/api/openapi.json, built without connecting to anything. */
export async function renderOpenApiDocument(): Promise<string> {
  const config = loadConfig({ NODE_ENV: 'test', ITINERA_ROLE: 'api' });
  const app = await createApp(config, { preview: true, logger: createLogger({ LOG_LEVEL: 'silent' }) });
  try {
    return `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`;
  } finally {
    await app.close();
  }
}
