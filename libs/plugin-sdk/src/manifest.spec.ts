import { MANIFEST_SCHEMA, parsePackageDeclaration, PLUGIN_API_VERSION, type PluginManifest, validateManifest } from './manifest.js';
import { checkJsonSchema } from './json-schema.js';

const valid: PluginManifest = {
  id: 'email-acme',
  kind: 'channel',
  channel: 'email',
  displayName: 'Acme Mail',
  version: '1.2.3-beta.1',
  description: 'Sends e-mail through Acme.',
  configSchema: {
    type: 'object',
    required: ['apiKey'],
    properties: { apiKey: { type: 'string', 'x-secret': true }, region: { enum: ['eu', 'us'], default: 'eu' } },
  },
  nodeParameters: { type: 'object', properties: { priority: { type: 'integer' } } },
  capabilities: { deliveryWebhooks: false, checkConfig: true },
  'x-vendor': { tier: 'gold' },
};

function errorsOf(manifest: unknown): string[] {
  const result = validateManifest(manifest);
  return result.ok ? [] : result.errors;
}

describe('validateManifest', () => {
  it('accepts a complete manifest', () => {
    expect(validateManifest(valid)).toEqual({ ok: true });
  });

  it('is itself a valid JSON Schema', () => {
    expect(checkJsonSchema(MANIFEST_SCHEMA)).toEqual({ ok: true });
  });

  it.each([
    [{ id: 'Email_Acme' }, '/id: must be kebab-case'],
    [{ version: '1.0' }, '/version: must be a semantic version'],
    [{ kind: 'transport' }, '/kind: must be one of'],
    [{ channel: undefined }, '/channel: channel plugins must say which channel'],
    [{ displayName: '' }, '/displayName'],
    [{ configSchema: { type: 'array' } }, '/configSchema/type'],
    [{ configSchema: { type: 'object', properties: { a: { type: 'strin' } } } }, '/configSchema'],
    [{ nodeParameters: { type: 'object', properties: { a: { minimum: 'x' } } } }, '/nodeParameters'],
    [{ capabilities: { tasks: ['summarise'] } }, '/capabilities/tasks/0'],
    [{ surprise: true }, 'unknown property "surprise"'],
    [{ homepage: 'not a url' }, '/homepage'],
  ])('rejects %j', (change, expected) => {
    const manifest = { ...valid, ...change } as Record<string, unknown>;
    for (const [key, value] of Object.entries(change)) if (value === undefined) delete manifest[key];
    expect(errorsOf(manifest).join('\n')).toContain(expected);
  });

  it('rejects a channel on non-channel plugins', () => {
    expect(errorsOf({ ...valid, kind: 'llm' }).join('\n')).toContain('only channel plugins have a channel');
  });

  it('rejects data that does not survive JSON', () => {
    expect(errorsOf({ ...valid, 'x-when': new Date() }).join('\n')).toContain('must be a plain object');
    expect(errorsOf({ ...valid, 'x-n': Number.NaN }).join('\n')).toContain('not representable in JSON');
    expect(errorsOf({ ...valid, 'x-f': () => 1 }).join('\n')).toContain('function is not JSON data');
  });

  it('only honours x-secret on top-level config properties', () => {
    const configSchema = {
      type: 'object',
      properties: { auth: { type: 'object', properties: { token: { type: 'string', 'x-secret': true } } } },
    };
    expect(errorsOf({ ...valid, configSchema }).join('\n')).toContain('/configSchema/properties/auth/properties/token');
  });

  it('rejects non-objects', () => {
    expect(validateManifest(null).ok).toBe(false);
    expect(validateManifest('manifest').ok).toBe(false);
  });
});

describe('parsePackageDeclaration', () => {
  it('accepts the documented shape', () => {
    expect(parsePackageDeclaration({ itinera: { apiVersion: PLUGIN_API_VERSION, plugins: ['dist/index.js'] } })).toEqual({
      ok: true,
      declaration: { apiVersion: 1, plugins: ['dist/index.js'] },
    });
  });

  it('explains what is wrong', () => {
    expect(parsePackageDeclaration({ name: 'x' })).toEqual({ ok: false, errors: ['package.json has no "itinera" object'] });
    const future = parsePackageDeclaration({ itinera: { apiVersion: 2, plugins: ['dist/index.js'] } });
    expect(future).toEqual({ ok: false, errors: ['built for plugin API version 2; this Itinera supports version 1'] });
    expect(parsePackageDeclaration({ itinera: { apiVersion: 1, plugins: [] } }).ok).toBe(false);
    expect(parsePackageDeclaration({ itinera: { apiVersion: 1, plugins: ['../../etc/x.js'] } })).toEqual({
      ok: false,
      errors: ['"itinera.plugins" entries must be paths inside the package'],
    });
  });
});
