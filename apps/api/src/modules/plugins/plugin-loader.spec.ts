import { acmeSmsPackage, writePluginPackages } from '../../testing/plugin-fixtures.js';
import { loadPlugins } from './plugin-loader.js';
import { PluginSelection } from './plugin-selection.js';

describe('plugin loader', () => {
  let root: string;

  beforeAll(async () => {
    const valid = acmeSmsPackage();
    root = await writePluginPackages([
      valid,
      { ...acmeSmsPackage('@acme/itinera-sms-copy'), dir: '@acme/itinera-sms-copy' },
      {
        dir: 'broken-plugin',
        packageJson: { name: 'broken-plugin', version: '1.0.0', itinera: { apiVersion: 1, plugins: ['index.js'] } },
        files: { 'index.js': "throw new Error('boom at import');" },
      },
      {
        dir: 'future-plugin',
        packageJson: { name: 'future-plugin', version: '1.0.0', itinera: { apiVersion: 2, plugins: ['index.js'] } },
        files: { 'index.js': 'export default {};' },
      },
      {
        dir: 'bad-manifest',
        packageJson: { name: 'bad-manifest', version: '1.0.0', itinera: { apiVersion: 1, plugins: ['index.js'] } },
        files: { 'index.js': valid.files['dist/index.js'].replace("id: 'acme-sms'", "id: 'Acme SMS!'") },
      },
      {
        dir: 'twice',
        packageJson: { name: 'twice', version: '1.0.0', itinera: { apiVersion: 1, plugins: ['a.js', 'b.js'] } },
        files: { 'a.js': valid.files['dist/index.js'], 'b.js': valid.files['dist/index.js'] },
      },
      {
        dir: 'unbuilt',
        packageJson: { name: 'unbuilt', version: '1.0.0', itinera: { apiVersion: 1, plugins: ['dist/index.js'] } },
        files: {},
      },
      { dir: 'left-pad', packageJson: { name: 'left-pad', version: '1.3.0' }, files: { 'index.js': 'export default 1;' } },
    ]);
  });

  it('discovers packages installed in a node_modules-like folder, including scoped ones', async () => {
    const result = await loadPlugins([root], new PluginSelection(undefined));
    expect(result.plugins.map((p) => p.id).sort()).toEqual([
      '@acme/itinera-sms-copy/acme-sms',
      'acme-itinera-sms/acme-sms',
      'twice/acme-sms',
    ]);
    expect(result.plugins.find((p) => p.id === 'acme-itinera-sms/acme-sms')?.plugin.manifest.channel).toBe('sms');
  });

  it('reports broken packages and plugins with a reason instead of failing', async () => {
    const { failures } = await loadPlugins([root], new PluginSelection(undefined));
    const reason = (source: string) => failures.find((f) => f.source === source)?.reason;
    expect(reason('broken-plugin')).toMatch(/boom at import/);
    expect(reason('future-plugin')).toMatch(/API version 2; this Itinera supports version 1/);
    expect(reason('bad-manifest/Acme SMS!')).toMatch(/kebab-case/);
    expect(reason('twice/acme-sms')).toMatch(/duplicate/);
    expect(reason('unbuilt')).toMatch(/is the package built\?/);
    expect(failures.some((f) => f.source === 'left-pad')).toBe(false);
  });

  it('honours the ITINERA_PLUGINS allow/deny list', async () => {
    const denied = await loadPlugins([root], new PluginSelection('*,!@acme/*'));
    expect(denied.plugins.map((p) => p.id)).not.toContain('@acme/itinera-sms-copy/acme-sms');
    expect(denied.excluded).toEqual(['@acme/itinera-sms-copy/acme-sms']);
    const allowed = await loadPlugins([root], new PluginSelection('acme-itinera-sms/*'));
    expect(allowed.plugins.map((p) => p.id)).toEqual(['acme-itinera-sms/acme-sms']);
  });
});

describe('PluginSelection', () => {
  it('matches wildcards and lets denials win', () => {
    const selection = new PluginSelection('@itinera/*, !@itinera/channel-teams/*');
    expect(selection.accepts('@itinera/channel-slack/slack')).toBe(true);
    expect(selection.accepts('@itinera/channel-teams/teams')).toBe(false);
    expect(selection.accepts('acme/sms')).toBe(false);
    expect(new PluginSelection('').accepts('anything/at-all')).toBe(true);
  });
});
