import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

  it('names every DTO class once: the document keeps one schema per name, so a second class of the same name replaces the first', async () => {
    const modules = fileURLToPath(new URL('../../modules', import.meta.url));
    const files = (await readdir(modules, { recursive: true })).filter((f) => f.endsWith('.dto.ts'));
    const seen = new Map<string, string>();
    const repeated: string[] = [];
    for (const file of files) {
      for (const [, name] of (await readFile(join(modules, file), 'utf8')).matchAll(/^export class (\w+)/gm)) {
        if (seen.has(name)) repeated.push(`${name} (${seen.get(name)}, ${file})`);
        seen.set(name, file);
      }
    }
    expect(repeated).toEqual([]);
  });
});
