import { checkJsonSchema, type JsonSchema, validateAgainstSchema, type ValidationResult } from './json-schema.js';

/** Version of the plugin contract this SDK implements. Packages declare it in `package.json`. */
export const PLUGIN_API_VERSION = 1;

export const PLUGIN_KINDS = ['channel', 'datasource', 'llm'] as const;
export type PluginKind = (typeof PLUGIN_KINDS)[number];

/** The channels Itinera's core knows how to route; plugins may declare others. */
export const KNOWN_CHANNELS = ['email', 'sms', 'push', 'slack', 'teams', 'webhook', 'inapp'] as const;
export type KnownChannel = (typeof KNOWN_CHANNELS)[number];
export type ChannelType = KnownChannel | (string & {});

export const LLM_TASKS = ['generate', 'classify', 'score', 'extract'] as const;
export type LlmTask = (typeof LLM_TASKS)[number];

/** What a plugin can do beyond its one required method. Unknown keys are allowed (extensions). */
export interface PluginCapabilities {
  /** Channel: parses the provider's delivery webhooks (`parseDeliveryEvent`). */
  deliveryWebhooks?: boolean;
  /** Channel: verifies the provider's webhook signatures (`verifySignature`). */
  signedWebhooks?: boolean;
  /** Has a "test connection" (`checkConfig`). */
  checkConfig?: boolean;
  /** Channel: can tell whether a send with a given idempotency key happened (`lookupStatus`). */
  statusLookup?: boolean;
  /** Channel: the provider deduplicates on our idempotency key, so retrying a send is safe. */
  idempotentSend?: boolean;
  /** LLM: answers follow a requested JSON Schema. */
  structuredOutput?: boolean;
  /** LLM: the tasks it performs. */
  tasks?: LlmTask[];
  [extension: string]: unknown;
}

/**
 * The static description of a plugin. Plain JSON: the core stores and serves it, and the admin
 * renders configuration and node forms from it without running plugin code.
 */
export interface PluginManifest {
  /** kebab-case, unique within the package; the core registers `<package name>/<id>`. */
  id: string;
  kind: PluginKind;
  /** For channel plugins: the channel it delivers on. */
  channel?: ChannelType;
  displayName: string;
  /** semver of the plugin. */
  version: string;
  description: string;
  /** JSON Schema (type object) of the provider configuration; secret properties carry `"x-secret": true`. */
  configSchema: JsonSchema;
  /** JSON Schema of the per-node parameters a journey node passes (a fetch request, model options, …). */
  nodeParameters?: JsonSchema;
  capabilities?: PluginCapabilities;
  homepage?: string;
  /** An icon: a URL or a `data:` URI. */
  icon?: string;
  /** Extensions must start with `x-`. */
  [extension: `x-${string}`]: unknown;
}

export interface ChannelManifest extends PluginManifest {
  kind: 'channel';
  channel: ChannelType;
}
export interface DataSourceManifest extends PluginManifest {
  kind: 'datasource';
}
export interface LlmManifest extends PluginManifest {
  kind: 'llm';
}

const SEMVER =
  '^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$';

/** JSON Schema of a plugin manifest. */
export const MANIFEST_SCHEMA: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://itinera.dev/schemas/plugin-manifest.json',
  title: 'Itinera plugin manifest',
  type: 'object',
  required: ['id', 'kind', 'displayName', 'version', 'description', 'configSchema'],
  properties: {
    id: { type: 'string', pattern: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$', maxLength: 64 },
    kind: { enum: [...PLUGIN_KINDS] },
    channel: { type: 'string', pattern: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$', maxLength: 64 },
    displayName: { type: 'string', minLength: 1, maxLength: 100 },
    version: { type: 'string', pattern: SEMVER },
    description: { type: 'string', maxLength: 2000 },
    configSchema: {
      type: 'object',
      required: ['type'],
      properties: { type: { const: 'object' }, properties: { type: 'object' } },
    },
    nodeParameters: { type: 'object' },
    capabilities: {
      type: 'object',
      properties: {
        deliveryWebhooks: { type: 'boolean' },
        signedWebhooks: { type: 'boolean' },
        checkConfig: { type: 'boolean' },
        statusLookup: { type: 'boolean' },
        idempotentSend: { type: 'boolean' },
        structuredOutput: { type: 'boolean' },
        tasks: { type: 'array', items: { enum: [...LLM_TASKS] }, uniqueItems: true },
      },
    },
    homepage: { type: 'string', format: 'uri' },
    icon: { type: 'string', maxLength: 100_000 },
  },
  patternProperties: { '^x-': {} },
  additionalProperties: false,
  allOf: [
    { if: { properties: { kind: { const: 'channel' } } }, then: { required: ['channel'] } },
    { if: { properties: { kind: { enum: ['datasource', 'llm'] } } }, then: { not: { required: ['channel'] } } },
  ],
};

function isJsonSerialisable(value: unknown, path: string, problems: string[]): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) problems.push(`${path}: ${value} is not representable in JSON`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => isJsonSerialisable(item, `${path}/${index}`, problems));
    return;
  }
  if (typeof value === 'object') {
    // Plain objects only (prototype Object.prototype of any realm, or null): no class instances.
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== null && Object.getPrototypeOf(prototype) !== null) {
      problems.push(`${path || '/'}: must be a plain object (found ${prototype?.constructor?.name ?? 'an instance'})`);
      return;
    }
    for (const [key, item] of Object.entries(value)) isJsonSerialisable(item, `${path}/${key}`, problems);
    return;
  }
  problems.push(`${path || '/'}: a ${typeof value} is not JSON data`);
}

/**
 * Validates a manifest: its shape (MANIFEST_SCHEMA), that it is plain JSON data, that
 * `configSchema` and `nodeParameters` are usable JSON Schemas, and that `x-secret` marks sit on
 * top-level config properties only.
 */
export function validateManifest(manifest: unknown): ValidationResult {
  const shape = validateAgainstSchema(MANIFEST_SCHEMA, manifest);
  if (!shape.ok) return { ok: false, errors: shape.errors.map(friendlier) };
  const m = manifest as PluginManifest;
  const errors: string[] = [];
  isJsonSerialisable(m, '', errors);
  const config = checkJsonSchema(m.configSchema, '/configSchema');
  if (!config.ok) errors.push(...config.errors);
  if (m.nodeParameters !== undefined) {
    const nodeParameters = checkJsonSchema(m.nodeParameters, '/nodeParameters');
    if (!nodeParameters.ok) errors.push(...nodeParameters.errors);
  }
  errors.push(...misplacedSecretMarks(m.configSchema));
  return errors.length === 0 ? { ok: true } : { ok: false, errors };
}

const FRIENDLIER: Array<[RegExp, string]> = [
  [/^\/id: must match pattern .*/, '/id: must be kebab-case (lower-case letters and digits separated by "-"), e.g. "email-smtp"'],
  [/^\/channel: must match pattern .*/, '/channel: must be kebab-case, e.g. "email"'],
  [/^\/version: must match pattern .*/, '/version: must be a semantic version, e.g. "1.0.0"'],
  [/^\/: must have required property 'channel'$/, '/channel: channel plugins must say which channel they deliver on'],
  [/^\/: must NOT be valid$/, '/channel: only channel plugins have a channel'],
];

function friendlier(error: string): string {
  const match = FRIENDLIER.find(([pattern]) => pattern.test(error));
  return match ? match[1] : error;
}

function misplacedSecretMarks(configSchema: JsonSchema): string[] {
  const problems: string[] = [];
  const topLevel = new Set<unknown>(Object.values((configSchema.properties as Record<string, unknown>) ?? {}));
  const visit = (node: unknown, path: string): void => {
    if (typeof node !== 'object' || node === null) return;
    if (Array.isArray(node)) return node.forEach((item, index) => visit(item, `${path}/${index}`));
    const record = node as Record<string, unknown>;
    if (record['x-secret'] === true && !topLevel.has(node)) {
      problems.push(`/configSchema${path}: "x-secret" is honoured on top-level properties only`);
    }
    for (const [key, value] of Object.entries(record)) visit(value, `${path}/${key}`);
  };
  visit(configSchema, '');
  return problems;
}

/** The `"itinera"` field of a plugin package's `package.json`. */
export interface ItineraPackageDeclaration {
  /** The plugin API version the package was built for; must equal PLUGIN_API_VERSION. */
  apiVersion: number;
  /** Entry modules, relative to the package root, each exporting one or more plugins. */
  plugins: string[];
}

/** The parts of a plugin package's `package.json` the core reads. */
export interface ItineraPluginPackageJson {
  name: string;
  version: string;
  keywords?: string[];
  peerDependencies?: Record<string, string>;
  itinera: ItineraPackageDeclaration;
}

/** Reads and checks the `"itinera"` field of a `package.json` (the core's loader uses this). */
export function parsePackageDeclaration(
  packageJson: unknown,
): { ok: true; declaration: ItineraPackageDeclaration } | { ok: false; errors: string[] } {
  const field = (packageJson as { itinera?: unknown } | null)?.itinera;
  if (typeof field !== 'object' || field === null) {
    return { ok: false, errors: ['package.json has no "itinera" object'] };
  }
  const { apiVersion, plugins } = field as Partial<ItineraPackageDeclaration>;
  const errors: string[] = [];
  if (typeof apiVersion !== 'number') {
    errors.push('"itinera.apiVersion" must be a number');
  } else if (apiVersion !== PLUGIN_API_VERSION) {
    errors.push(`built for plugin API version ${apiVersion}; this Itinera supports version ${PLUGIN_API_VERSION}`);
  }
  if (!Array.isArray(plugins) || plugins.length === 0 || !plugins.every((p) => typeof p === 'string' && p.length > 0)) {
    errors.push('"itinera.plugins" must list at least one entry file, e.g. ["dist/index.js"]');
  } else if (plugins.some((p) => p.startsWith('/') || p.split(/[\\/]/).includes('..'))) {
    errors.push('"itinera.plugins" entries must be paths inside the package');
  }
  return errors.length === 0 ? { ok: true, declaration: { apiVersion: apiVersion!, plugins: plugins! } } : { ok: false, errors };
}
