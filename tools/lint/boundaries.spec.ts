// The dependency rules of eslint.config.js, proved on snippets: each forbidden import must fail lint,
// each allowed one must pass. Nx's module-boundary rule reads the project graph Nx caches in .nx/ and
// silently skips when there is none, so the graph is computed first, as `npm run lint` does.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BOUNDARIES = '@nx/enforce-module-boundaries';

let eslint: ESLint;

beforeAll(() => {
  execFileSync(process.execPath, [`${ROOT}node_modules/.bin/nx`, 'show', 'projects'], {
    cwd: ROOT,
    env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true' },
    stdio: 'ignore',
  });
  eslint = new ESLint({ cwd: ROOT });
}, 60_000);

/** The rules `code` breaks when it is the file at `filePath` (relative to the repository root). */
async function brokenRules(filePath: string, code: string): Promise<Array<string | null>> {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}${filePath}` });
  return result!.messages.map((message) => message.ruleId);
}

const importing = (from: string) => `import { value } from '${from}';\nexport const copy = value;\n`;

describe('lint: forbidden imports', () => {
  it.each([
    ['a plugin importing the journey model', 'plugins/channel-slack/src/extra.ts', '@itinera/journey-model'],
    ['a plugin importing the API by name', 'plugins/channel-slack/src/extra.ts', '@itinera/api'],
    ['a plugin reaching into apps/ by path', 'plugins/channel-slack/src/extra.ts', '../../../apps/api/src/create-app.js'],
    ['plugin runtime code importing the fakes', 'plugins/channel-slack/src/extra.ts', '@itinera/fakes'],
    ['API runtime code importing the test harness', 'apps/api/src/modules/engine/extra.ts', '@itinera/testing'],
    ['a spec reaching into tools/ by path', 'plugins/channel-slack/src/extra.spec.ts', '../../../tools/fakes/slack.js'],
    ['the plugin SDK importing the API by name', 'libs/plugin-sdk/src/extra.ts', '@itinera/api'],
    ['the plugin SDK reaching into apps/api by path', 'libs/plugin-sdk/src/extra.ts', '../../../apps/api/src/create-app.js'],
    ['the journey model importing the plugin SDK', 'libs/journey-model/src/extra.ts', '@itinera/plugin-sdk'],
    ['the journey model reaching into apps/admin by path', 'libs/journey-model/src/extra.ts', '../../../apps/admin/src/main.tsx'],
    ['the admin SPA importing the API by name', 'apps/admin/src/extra.ts', '@itinera/api'],
    ['the admin SPA reaching into apps/api by path', 'apps/admin/src/extra.ts', '../../api/src/create-app.js'],
    ['the API importing a plugin', 'apps/api/src/extra.ts', '@itinera/channel-slack'],
  ])('%s fails the module-boundary rule', async (_case, filePath, from) => {
    expect(await brokenRules(filePath, importing(from))).toEqual([BOUNDARIES]);
  });

  it.each([
    ['apps/api/src/infra/extra.ts', '../modules/engine/node-runner.js'],
    ['apps/api/src/infra/database/extra.ts', '../../modules/profiles/profiles.module.js'],
    ['apps/api/src/infra/database/extra.ts', '../../modules'],
  ])('%s importing %s fails: infra/ imports no module', async (filePath, from) => {
    expect(await brokenRules(filePath, importing(from))).toEqual(['no-restricted-imports']);
  });

  it('reports an explicit any, in specs too', async () => {
    const code = 'export const loose = (value: any) => value;\n';
    expect(await brokenRules('libs/journey-model/src/extra.ts', code)).toEqual(['@typescript-eslint/no-explicit-any']);
    expect(await brokenRules('plugins/channel-slack/src/extra.spec.ts', code)).toEqual(['@typescript-eslint/no-explicit-any']);
  });
});

describe('lint: allowed imports', () => {
  it.each([
    ['a plugin importing the plugin SDK', 'plugins/channel-slack/src/extra.ts', '@itinera/plugin-sdk'],
    ['a plugin spec importing the fakes', 'plugins/channel-slack/src/extra.spec.ts', '@itinera/fakes'],
    ['an API spec importing the test harness', 'apps/api/src/modules/engine/extra.spec.ts', '@itinera/testing'],
    ['the plugin SDK importing the journey model', 'libs/plugin-sdk/src/extra.ts', '@itinera/journey-model'],
    ['the API importing the plugin SDK', 'apps/api/src/modules/plugins/extra.ts', '@itinera/plugin-sdk'],
    ['the admin SPA importing the journey model', 'apps/admin/src/extra.ts', '@itinera/journey-model'],
    ['infra importing infra', 'apps/api/src/infra/database/extra.ts', '../config/app-config.js'],
    ['a module importing infra', 'apps/api/src/modules/engine/extra.ts', '../../infra/config/app-config.js'],
  ])('%s passes', async (_case, filePath, from) => {
    expect(await brokenRules(filePath, importing(from))).toEqual([]);
  });
});
