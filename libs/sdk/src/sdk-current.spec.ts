import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const GENERATE = fileURLToPath(new URL('../generate.mjs', import.meta.url));
const COMMITTED = fileURLToPath(new URL('./generated/itinera.ts', import.meta.url));

describe('generated client', () => {
  it('is current with apps/api/openapi.json: run `npm run openapi` and commit libs/sdk/src/generated when this fails', () => {
    const folder = mkdtempSync(join(tmpdir(), 'itinera-sdk-'));
    try {
      const target = join(folder, 'generated', 'itinera.ts');
      execFileSync(process.execPath, [GENERATE, target], { stdio: 'pipe', timeout: 60_000 });
      expect(readFileSync(target, 'utf8')).toEqual(readFileSync(COMMITTED, 'utf8'));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }, 90_000);
});
