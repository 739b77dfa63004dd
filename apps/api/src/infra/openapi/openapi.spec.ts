import { readFile } from 'node:fs/promises';
import { renderOpenApiDocument } from './render.js';

describe('committed OpenAPI document', () => {
  it('is current: run `npm run openapi` and commit apps/api/openapi.json when this fails', async () => {
    const committed = await readFile(new URL('../../../openapi.json', import.meta.url), 'utf8');
    const current = await renderOpenApiDocument();
    expect(JSON.parse(committed)).toEqual(JSON.parse(current));
  });

  it('documents the management routes with their security schemes', async () => {
    const document = JSON.parse(await renderOpenApiDocument());
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/api/api-keys', '/api/api-keys/{id}', '/api/auth/login', '/api/members', '/api/workspace', '/readyz']),
    );
    expect(document.components.securitySchemes).toHaveProperty('bearer');
    expect(document.components.schemas.CreateApiKeyDto.required).toEqual(expect.arrayContaining(['name', 'kind']));
  });
});
