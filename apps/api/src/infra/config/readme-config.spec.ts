import { readFile } from 'node:fs/promises';
import { CONFIG_VARIABLES } from './app-config.js';

describe("README's configuration table", () => {
  it('lists every variable the config accepts, and no other', async () => {
    const readme = await readFile(new URL('../../../../../README.md', import.meta.url), 'utf8');
    const section = readme.split('## Configuration')[1].split('\n## ')[0];
    const documented = [...section.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(CONFIG_VARIABLES).sort());
  });
});
