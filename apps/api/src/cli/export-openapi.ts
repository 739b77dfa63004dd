import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { renderOpenApiDocument } from '../infra/openapi/render.js';

/** `npm run openapi`: writes the OpenAPI document to apps/api/openapi.json (committed; a test checks it is current). */
export const OPENAPI_FILE = fileURLToPath(new URL('../../openapi.json', import.meta.url));

await writeFile(OPENAPI_FILE, await renderOpenApiDocument());
process.stdout.write(`Wrote ${OPENAPI_FILE}\n`);
