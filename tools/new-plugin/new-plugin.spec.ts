// Generates one plugin of each kind into a temporary folder, checks the files, and then runs the
// generated specs themselves (conformance kit included) inside this test file: a scaffold must
// pass as generated.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePackageDeclaration, pluginsFromModule, validateManifest } from '@itinera/plugin-sdk';

const SCRIPT = fileURLToPath(new URL('./new-plugin.mjs', import.meta.url));
const KINDS = ['channel', 'datasource', 'llm'] as const;
const root = mkdtempSync(join(tmpdir(), 'itinera-new-plugin-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function run(...args: string[]) {
  return spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8' });
}

for (const kind of KINDS) execFileSync(process.execPath, [SCRIPT, '--kind', kind, '--name', 'sample', '--dir', root]);
execFileSync(process.execPath, [
  SCRIPT,
  '--kind',
  'channel',
  '--name',
  'acme-mail',
  '--channel',
  'email',
  '--dir',
  root,
  '--package',
  'itinera-plugin-acme-mail',
]);

describe('new-plugin generator', () => {
  it.each(KINDS)('writes a complete %s package', async (kind) => {
    const dir = join(root, `${kind}-sample`);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({
      name: `@itinera/${kind}-sample`,
      type: 'module',
      main: 'dist/index.js',
      types: 'dist/index.d.ts',
      keywords: ['itinera-plugin'],
      itinera: { apiVersion: 1, plugins: ['dist/index.js'] },
      peerDependencies: { '@itinera/plugin-sdk': expect.any(String) },
      scripts: { build: 'tsc -p tsconfig.build.json' },
    });
    expect(parsePackageDeclaration(pkg).ok).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'tsconfig.build.json'), 'utf8')).compilerOptions).toMatchObject({
      rootDir: 'src',
      declaration: true,
    });
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain(`@itinera/${kind}-sample`);
    expect(readFileSync(join(dir, 'src/index.spec.ts'), 'utf8')).toContain('runConformanceSuite(plugin');

    const plugins = pluginsFromModule(await import(join(dir, 'src/index.ts')));
    expect(plugins).toHaveLength(1);
    expect(plugins[0]!.manifest).toMatchObject({ id: 'sample', kind });
    expect(validateManifest(plugins[0]!.manifest)).toEqual({ ok: true });
  });

  it('takes a channel type and a package name', async () => {
    const dir = join(root, 'channel-acme-mail');
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name).toBe('itinera-plugin-acme-mail');
    const [plugin] = pluginsFromModule(await import(join(dir, 'src/index.ts')));
    expect(plugin!.manifest).toMatchObject({ id: 'acme-mail', channel: 'email', displayName: 'Acme Mail' });
    expect(readFileSync(join(dir, 'src/index.ts'), 'utf8')).toContain('message: EmailMessage');
  });

  it('refuses bad arguments and existing folders', () => {
    expect(run('--kind', 'queue', '--name', 'x', '--dir', root)).toMatchObject({
      status: 1,
      stderr: expect.stringContaining('--kind must be one of'),
    });
    expect(run('--kind', 'llm', '--name', 'Not_Kebab', '--dir', root).stderr).toContain('--name must be kebab-case');
    expect(run('--kind', 'channel', '--name', 'x', '--channel', 'fax', '--dir', root).stderr).toContain('--channel must be one of');
    expect(run('--kind', 'llm', '--name', 'sample', '--dir', root).stderr).toContain('already exists');
    expect(run('--help').stderr).toContain('Usage: npm run new-plugin');
  });
});

// The generated specs, as generated: each registers the conformance kit and its own test.
for (const kind of KINDS) await import(join(root, `${kind}-sample`, 'src/index.spec.ts'));
