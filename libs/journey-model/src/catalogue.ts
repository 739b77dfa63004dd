import { cloneJson } from './json.js';
import { AI_TASKS, NODE_TYPE_NAMES, WEEKDAYS, type JsonSchema, type NodePluginInfo, type NodeType } from './types.js';

/** Node ids and port names: letters, digits, `_` and `-`, starting with a letter or `_`, at most 64. */
export const NODE_ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
export const PORT_PATTERN = NODE_ID_PATTERN;
/** The port branch nodes take when no branch matches; no branch or split variant may use it. */
export const DEFAULT_PORT = 'default';
/** The port an edge leaves from when it names none. */
export const NEXT_PORT = 'next';

/**
 * The `x-widget` annotations of the config schemas: which control the admin's generated forms
 * use for a property. `condition`: a JSON Logic builder; `liquid` / `liquid-textarea`: Liquid
 * text with a variable picker; `duration`: seconds typed as "3 days"; `event`, `template`,
 * `topic`, `channels`, `timezone`, `weekdays`, `trait`, `plugin`: pickers of what exists;
 * `traits`, `string-map`: key/value lists; `json`: a JSON value.
 */
export const WIDGETS = [
  'condition',
  'liquid',
  'liquid-textarea',
  'textarea',
  'duration',
  'event',
  'template',
  'topic',
  'channels',
  'timezone',
  'weekdays',
  'trait',
  'plugin',
  'traits',
  'string-map',
  'json',
] as const;
export type Widget = (typeof WIDGETS)[number];

export type NodeCategory = 'entry' | 'messaging' | 'timing' | 'flow' | 'data' | 'integration';

export interface PortDescription {
  name: string;
  label: string;
  description?: string;
  /** When this port is taken but not connected, the run continues on this port instead of ending. */
  fallback?: string;
}

/** A configuration that takes one of several shapes, chosen by which key it has (trigger, delay). */
export interface ConfigVariant {
  key: string;
  label: string;
  schema: JsonSchema;
}

/**
 * One node type, as plain JSON data: the canvas renders its palette, forms and handles from it.
 * Schemas carry annotations the admin reads: `title`, `description`, `default`, `x-widget`
 * (see WIDGETS), and `x-code` / `x-message`
 * (the problem code and message validation reports when the value is wrong).
 */
export interface NodeTypeDescription {
  type: NodeType;
  label: string;
  description: string;
  category: NodeCategory;
  /** Fixed output ports (after the ones derived from the config). */
  ports: PortDescription[];
  /** Output ports derived from the config: one per `config[list][].port`, before `ports`. */
  portsFrom?: { list: 'branches' | 'variants'; key: 'port' };
  /** JSON Schema of the node's `config`. */
  configSchema: JsonSchema;
  /** For configs with several shapes: each shape and the key that selects it (`configSchema` is their `oneOf`). */
  configVariants?: ConfigVariant[];
  /** Whether a node may omit `config` (exit). */
  configOptional?: boolean;
  /** fetch and ai: the kind of plugin they call and the config property naming it. */
  plugin?: { kind: 'datasource' | 'llm'; property: 'source' | 'provider' };
  /**
   * With plugins (see `nodeCatalogue`): the complete config schema for each plugin id, the node's
   * own properties merged with the plugin's `nodeParameters`.
   */
  pluginSchemas?: Record<string, JsonSchema>;
  /** A valid config, as a starting point for a new node. */
  example?: Record<string, unknown>;
}

export type NodeCatalogue = Readonly<Record<NodeType, NodeTypeDescription>>;

// ── Schema building blocks ─────────────────────────────────────────────────────────────────

const ID_PATTERN_SOURCE = NODE_ID_PATTERN.source;

const condition = (title: string, description: string): JsonSchema => ({
  title,
  description: `${description} JSON Logic; true/false also allowed.`,
  'x-widget': 'condition',
});

const text = (title: string, extra: JsonSchema = {}): JsonSchema => ({ type: 'string', minLength: 1, title, ...extra });

const port = (title: string): JsonSchema => ({
  type: 'string',
  pattern: ID_PATTERN_SOURCE,
  title,
  'x-code': 'invalid_port',
  'x-message': 'must be a port name: letters, digits, _ and -, starting with a letter or _ (at most 64)',
});

const stringMap = (title: string): JsonSchema => ({
  type: 'object',
  additionalProperties: { type: 'string' },
  title,
  'x-widget': 'string-map',
});

export const FETCH_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export const WEBHOOK_METHODS = ['POST', 'PUT', 'PATCH'] as const;

/** The `request` of a fetch node when the data source declares no node parameters of its own. */
const FETCH_REQUEST: JsonSchema = {
  type: 'object',
  title: 'Request',
  required: ['url'],
  properties: {
    method: { enum: [...FETCH_METHODS], default: 'GET', title: 'Method' },
    url: text('URL', { description: 'Liquid over the run context.', 'x-widget': 'liquid' }),
    headers: stringMap('Headers'),
    body: { title: 'Body', description: 'A string is sent as is, anything else as JSON; strings are Liquid.', 'x-widget': 'json' },
  },
  // Other properties are the data source's own parameters, checked when its plugin is known.
  additionalProperties: true,
};

const TRIGGER_EVENT: JsonSchema = {
  type: 'object',
  title: 'When the profile does an event',
  required: ['event'],
  properties: {
    event: text('Event', { 'x-widget': 'event' }),
    filter: condition('Only when', 'A condition over { profile, event }.'),
  },
  additionalProperties: false,
};
const TRIGGER_SEGMENT: JsonSchema = {
  type: 'object',
  title: 'When the profile enters a segment',
  required: ['segment'],
  properties: {
    segment: condition('Profile condition', 'A condition over { profile }, checked whenever the profile changes.'),
  },
  additionalProperties: false,
};
const TRIGGER_API: JsonSchema = {
  type: 'object',
  title: 'When invoked through the API',
  required: ['api'],
  properties: { api: { const: true, title: 'API invocation', default: true } },
  additionalProperties: false,
};

const DELAY_SECONDS: JsonSchema = {
  type: 'object',
  title: 'For a duration',
  required: ['seconds'],
  properties: { seconds: { type: 'integer', minimum: 1, title: 'Wait for', 'x-widget': 'duration' } },
  additionalProperties: false,
};
const DELAY_UNTIL: JsonSchema = {
  type: 'object',
  title: 'Until a time of day',
  required: ['until'],
  properties: {
    until: {
      type: 'object',
      required: ['time', 'timezone'],
      properties: {
        time: {
          type: 'string',
          pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
          title: 'Time (HH:MM)',
          'x-code': 'invalid_time',
          'x-message': 'must be a time of day as HH:MM (00:00 to 23:59)',
        },
        timezone: {
          type: 'string',
          minLength: 1,
          default: 'profile',
          title: 'Timezone',
          description: '"profile" (the profile\'s timezone, else the workspace\'s) or an IANA zone such as Europe/Paris.',
          'x-widget': 'timezone',
          'x-code': 'invalid_timezone',
        },
        days: {
          type: 'array',
          items: { enum: [...WEEKDAYS], 'x-code': 'invalid_weekday' },
          minItems: 1,
          uniqueItems: true,
          title: 'On these days',
          description: 'Absent: any day.',
          'x-widget': 'weekdays',
          'x-code': 'invalid_weekday',
        },
      },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
};
const DELAY_UNTIL_TRAIT: JsonSchema = {
  type: 'object',
  title: 'Until a date on the profile',
  required: ['untilTrait'],
  properties: {
    untilTrait: text('Profile trait', { description: 'A date: ISO 8601 string or epoch milliseconds.', 'x-widget': 'trait' }),
    offsetSeconds: { type: 'integer', title: 'Offset', description: 'Negative: before the date.', default: 0, 'x-widget': 'duration' },
  },
  additionalProperties: false,
};

const oneOfVariants = (title: string, variants: ConfigVariant[]): JsonSchema => ({
  title,
  type: 'object',
  oneOf: variants.map((variant) => variant.schema),
});

const TRIGGER_VARIANTS: ConfigVariant[] = [
  { key: 'event', label: 'Event', schema: TRIGGER_EVENT },
  { key: 'segment', label: 'Segment entry', schema: TRIGGER_SEGMENT },
  { key: 'api', label: 'API invocation', schema: TRIGGER_API },
];
const DELAY_VARIANTS: ConfigVariant[] = [
  { key: 'seconds', label: 'Duration', schema: DELAY_SECONDS },
  { key: 'until', label: 'Time of day', schema: DELAY_UNTIL },
  { key: 'untilTrait', label: 'Profile date', schema: DELAY_UNTIL_TRAIT },
];

const next: PortDescription = { name: NEXT_PORT, label: 'Next' };
const error: PortDescription = {
  name: 'error',
  label: 'Error',
  description: 'Taken when the call fails after retries; unconnected, the run ends.',
};

const AI_BASE_PROPERTIES: Record<string, JsonSchema> = {
  provider: text('LLM', { 'x-widget': 'plugin' }),
  model: text('Model', { description: "Default: the provider configuration's default model." }),
  task: { enum: [...AI_TASKS], title: 'Task' },
  prompt: text('Prompt', { 'x-widget': 'liquid-textarea', description: 'Liquid over the run context.' }),
  labels: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, uniqueItems: true, title: 'Labels (classify)' },
  schema: { type: 'object', title: 'Output JSON Schema (extract, generate)', 'x-widget': 'json' },
  persistTrait: text('Save the output to profile trait'),
};
/** Properties of an ai node that are the node's own (never passed to the plugin as parameters). */
const AI_OWN_PROPERTIES = ['provider', 'persistTrait'];

const definitions: NodeTypeDescription[] = [
  {
    type: 'trigger',
    label: 'Trigger',
    description: 'How profiles enter the journey: an event (with an optional filter), a segment condition on the profile, or an API call.',
    category: 'entry',
    ports: [next],
    configSchema: oneOfVariants('Trigger', TRIGGER_VARIANTS),
    configVariants: TRIGGER_VARIANTS,
    example: { event: 'signed_up' },
  },
  {
    type: 'send',
    label: 'Send message',
    description: 'Sends a template through the messaging layer: routing over channels, preferences, caps and quiet hours.',
    category: 'messaging',
    ports: [
      next,
      {
        name: 'failed',
        label: 'Failed',
        description: 'Taken when no channel delivered the message; unconnected, the run continues on next.',
        fallback: NEXT_PORT,
      },
    ],
    configSchema: {
      type: 'object',
      title: 'Send message',
      required: ['template'],
      properties: {
        template: text('Template', { 'x-widget': 'template' }),
        channels: {
          type: 'array',
          items: { type: 'string', minLength: 1 },
          minItems: 1,
          uniqueItems: true,
          title: 'Channels',
          description: "In routing order. Absent: the template's channels.",
          'x-widget': 'channels',
        },
        routing: {
          enum: ['single', 'all'],
          default: 'single',
          title: 'Routing',
          description: 'single: the first channel that delivers; all: every eligible channel.',
        },
        topic: text('Topic', { description: 'Preference topic: opt-outs are honoured.', 'x-widget': 'topic' }),
        urgent: { type: 'boolean', default: false, title: 'Send during quiet hours' },
      },
      additionalProperties: false,
    },
    example: { template: 'welcome', channels: ['email'] },
  },
  {
    type: 'delay',
    label: 'Delay',
    description:
      "Waits for a duration, until a local time of day (optionally on given weekdays) in the profile's timezone, or until a date on the profile plus an offset.",
    category: 'timing',
    ports: [next],
    configSchema: oneOfVariants('Delay', DELAY_VARIANTS),
    configVariants: DELAY_VARIANTS,
    example: { seconds: 86400 },
  },
  {
    type: 'wait_for_event',
    label: 'Wait for event',
    description: 'Waits until the profile does an event (matching an optional filter), or until the timeout.',
    category: 'timing',
    ports: [
      { name: 'matched', label: 'Matched', description: 'The event happened in time.' },
      { name: 'timeout', label: 'Timed out', description: 'The timeout passed first.' },
    ],
    configSchema: {
      type: 'object',
      title: 'Wait for event',
      required: ['event', 'timeoutSeconds'],
      properties: {
        event: text('Event', { 'x-widget': 'event' }),
        filter: condition('Only when', 'A condition over { profile, event, data, run }, event being the awaited one.'),
        timeoutSeconds: { type: 'integer', minimum: 1, title: 'Wait at most', 'x-widget': 'duration' },
      },
      additionalProperties: false,
    },
    example: { event: 'feature_activated', timeoutSeconds: 259200 },
  },
  {
    type: 'branch',
    label: 'Branch',
    description: 'Takes the port of the first branch whose condition holds, else default.',
    category: 'flow',
    ports: [{ name: DEFAULT_PORT, label: 'Default', description: 'No branch matched.' }],
    portsFrom: { list: 'branches', key: 'port' },
    configSchema: {
      type: 'object',
      title: 'Branch',
      required: ['branches'],
      properties: {
        branches: {
          type: 'array',
          minItems: 1,
          title: 'Branches',
          description: 'Evaluated in order; the first that holds wins.',
          items: {
            type: 'object',
            required: ['port', 'when'],
            properties: {
              port: port('Port'),
              when: condition('When', 'A condition over { profile, event, data, run }.'),
            },
            additionalProperties: false,
          },
        },
      },
      additionalProperties: false,
    },
    example: { branches: [{ port: 'yes', when: { '==': [{ var: 'profile.traits.plan' }, 'pro'] } }] },
  },
  {
    type: 'split',
    label: 'A/B split',
    description: 'Sends each profile down one weighted variant, chosen deterministically from the profile and the journey (sticky).',
    category: 'flow',
    ports: [],
    portsFrom: { list: 'variants', key: 'port' },
    configSchema: {
      type: 'object',
      title: 'A/B split',
      required: ['variants'],
      properties: {
        variants: {
          type: 'array',
          minItems: 2,
          title: 'Variants',
          description: 'Weights are relative: they need not add up to 100.',
          items: {
            type: 'object',
            required: ['port', 'weight'],
            properties: {
              port: port('Port'),
              weight: {
                type: 'number',
                exclusiveMinimum: 0,
                title: 'Weight',
                'x-code': 'invalid_weight',
                'x-message': 'must be a number greater than 0',
              },
            },
            additionalProperties: false,
          },
        },
      },
      additionalProperties: false,
    },
    example: {
      variants: [
        { port: 'a', weight: 50 },
        { port: 'b', weight: 50 },
      ],
    },
  },
  {
    type: 'fetch',
    label: 'Fetch data',
    description: 'Calls a data-source plugin; its result is available to later nodes as data.<node id>.',
    category: 'data',
    ports: [next, error],
    plugin: { kind: 'datasource', property: 'source' },
    configSchema: {
      type: 'object',
      title: 'Fetch data',
      required: ['source', 'request'],
      properties: {
        source: text('Data source', { 'x-widget': 'plugin' }),
        request: FETCH_REQUEST,
        timeoutMs: { type: 'integer', minimum: 1, maximum: 300_000, title: 'Timeout (ms)' },
      },
      additionalProperties: false,
    },
    example: {
      source: 'http',
      request: { method: 'GET', url: 'https://api.example.com/accounts/{{ profile.traits.account_id }}' },
      timeoutMs: 2000,
    },
  },
  {
    type: 'ai',
    label: 'AI',
    description:
      'Asks an LLM plugin to generate, classify, score or extract; the output is available as data.<node id> and may be saved to a profile trait.',
    category: 'data',
    ports: [next, error],
    plugin: { kind: 'llm', property: 'provider' },
    configSchema: {
      type: 'object',
      title: 'AI',
      required: ['provider', 'task', 'prompt'],
      properties: AI_BASE_PROPERTIES,
      allOf: [
        {
          if: { properties: { task: { const: 'classify' } }, required: ['task'] },
          then: { required: ['labels'], 'x-message': 'is required: the classify task chooses one of the labels' },
        },
      ],
      // Other properties are the LLM plugin's own parameters, checked when the plugin is known.
      additionalProperties: true,
    },
    example: { provider: 'openai', task: 'classify', labels: ['high', 'low'], prompt: 'How likely is {{ profile.traits.name }} to churn?' },
  },
  {
    type: 'update_profile',
    label: 'Update profile',
    description: 'Sets traits on the profile; string values are Liquid over the run context.',
    category: 'data',
    ports: [next],
    configSchema: {
      type: 'object',
      title: 'Update profile',
      required: ['set'],
      properties: {
        set: { type: 'object', minProperties: 1, propertyNames: { minLength: 1 }, title: 'Traits to set', 'x-widget': 'traits' },
      },
      additionalProperties: false,
    },
    example: { set: { onboarding_stage: 'nudged' } },
  },
  {
    type: 'webhook',
    label: 'Webhook',
    description: 'Sends data out to a URL, signed, with retries.',
    category: 'integration',
    ports: [next, error],
    configSchema: {
      type: 'object',
      title: 'Webhook',
      required: ['url'],
      properties: {
        url: text('URL', { description: 'http(s); Liquid over the run context.', 'x-widget': 'liquid' }),
        method: { enum: [...WEBHOOK_METHODS], default: 'POST', title: 'Method' },
        headers: stringMap('Headers'),
        body: { title: 'Body', description: 'Sent as JSON; strings are Liquid. Absent: the run context.', 'x-widget': 'json' },
      },
      additionalProperties: false,
    },
    example: { url: 'https://hooks.example.com/itinera', body: { userId: '{{ profile.userId }}' } },
  },
  {
    type: 'exit',
    label: 'Exit',
    description: 'Ends the run.',
    category: 'flow',
    ports: [],
    configOptional: true,
    configSchema: { type: 'object', title: 'Exit', properties: {}, additionalProperties: false },
    example: {},
  },
];

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** The node types and what the canvas and the engine need to know of each (frozen). */
export const NODE_TYPES: NodeCatalogue = deepFreeze(
  Object.fromEntries(definitions.map((description) => [description.type, description])) as Record<NodeType, NodeTypeDescription>,
);

export function isNodeType(type: unknown): type is NodeType {
  return typeof type === 'string' && (NODE_TYPE_NAMES as readonly string[]).includes(type);
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The output ports of a node: the ports derived from its config (branch: each branch's port
 * then `default`; split: each variant's port) and its type's fixed ports. Unknown types have
 * none. Tolerates half-edited nodes (ports that are not non-empty strings are skipped).
 */
export function outputPorts(node: { type?: unknown; config?: unknown } | null | undefined): string[] {
  if (!node || !isNodeType(node.type)) return [];
  const description = NODE_TYPES[node.type];
  const ports: string[] = [];
  if (description.portsFrom && isPlainObject(node.config)) {
    const list = node.config[description.portsFrom.list];
    if (Array.isArray(list)) {
      for (const item of list) {
        const name = isPlainObject(item) ? item[description.portsFrom.key] : undefined;
        if (typeof name === 'string' && name !== '' && !ports.includes(name)) ports.push(name);
      }
    }
  }
  for (const { name } of description.ports) if (!ports.includes(name)) ports.push(name);
  return ports;
}

// ── Plugin parameters ──────────────────────────────────────────────────────────────────────

/** A copy of a plugin's schema fit to sit inside another one (no root `$id` / `$schema`). */
function embeddable(schema: JsonSchema): JsonSchema {
  const { $id: _id, $schema: _schema, ...rest } = cloneJson(schema);
  return rest;
}

/** The full config of a fetch node calling `plugin`: `request` is what the plugin declares. */
function fetchSchemaFor(base: JsonSchema, plugin: NodePluginInfo): JsonSchema {
  const properties = { ...(base.properties as Record<string, JsonSchema>) };
  properties.source = { ...properties.source, const: plugin.id };
  if (plugin.nodeParameters) {
    properties.request = { title: plugin.displayName ? `${plugin.displayName} request` : 'Request', ...embeddable(plugin.nodeParameters) };
  }
  return { ...base, properties };
}

/**
 * The full config of an ai node calling `plugin`: the plugin's parameters sit beside the node's
 * own properties (provider, persistTrait); the plugin decides on properties it declares, and on
 * unknown ones through its `additionalProperties`.
 */
function aiSchemaFor(base: JsonSchema, plugin: NodePluginInfo): JsonSchema {
  const baseProperties = base.properties as Record<string, JsonSchema>;
  const parameters = plugin.nodeParameters ? embeddable(plugin.nodeParameters) : undefined;
  if (!parameters) {
    return { ...base, properties: { ...baseProperties, provider: { ...baseProperties.provider, const: plugin.id } } };
  }
  const { properties: pluginProperties, required: pluginRequired, additionalProperties, type: _type, ...rest } = parameters;
  const properties: Record<string, unknown> = { ...baseProperties, ...(isPlainObject(pluginProperties) ? pluginProperties : {}) };
  for (const own of AI_OWN_PROPERTIES) properties[own] = baseProperties[own];
  properties.provider = { ...baseProperties.provider, const: plugin.id };
  const required = [...new Set([...(base.required as string[]), ...(Array.isArray(pluginRequired) ? (pluginRequired as string[]) : [])])];
  const schema: JsonSchema = {
    ...base,
    properties,
    required,
    additionalProperties: additionalProperties ?? true,
  };
  if (Object.keys(rest).length > 0) schema.allOf = [...((base.allOf as JsonSchema[]) ?? []), rest];
  return schema;
}

/**
 * The catalogue with the fetch and ai config schemas extended by installed plugins: the
 * `source` / `provider` property lists the plugin ids (an `enum`, for a dropdown), each plugin's
 * complete config schema is in `pluginSchemas[id]`, and `configSchema` applies the right one
 * through `if`/`then` on the id. A data source's `nodeParameters` describe the node's `request`;
 * an LLM's sit beside the ai node's own properties. Channel plugins are ignored. Without plugins
 * (or none of a kind) the type is unchanged.
 */
export function nodeCatalogue(plugins?: readonly NodePluginInfo[]): NodeCatalogue {
  if (!plugins || plugins.length === 0) return NODE_TYPES;
  const catalogue = cloneJson(NODE_TYPES) as Record<NodeType, NodeTypeDescription>;
  for (const type of ['fetch', 'ai'] as const) {
    const description = catalogue[type];
    const { kind, property } = description.plugin!;
    const matching = dedupeById(plugins.filter((p) => p && p.kind === kind && typeof p.id === 'string' && p.id !== ''));
    if (matching.length === 0) continue;
    const base = description.configSchema;
    const pluginSchemas: Record<string, JsonSchema> = {};
    for (const plugin of matching) pluginSchemas[plugin.id] = type === 'fetch' ? fetchSchemaFor(base, plugin) : aiSchemaFor(base, plugin);
    const baseProperties = base.properties as Record<string, JsonSchema>;
    const named: Record<string, unknown> = { ...baseProperties[property], enum: matching.map((p) => p.id) };
    const labels = matching.filter((p) => p.displayName).map((p) => [p.id, p.displayName]);
    if (labels.length > 0) named['x-labels'] = Object.fromEntries(labels);
    description.configSchema = {
      ...base,
      properties: { ...baseProperties, [property]: named },
      allOf: [
        ...((base.allOf as JsonSchema[]) ?? []),
        ...matching.map((plugin) => ({
          if: { properties: { [property]: { const: plugin.id } }, required: [property] },
          then: pluginSchemas[plugin.id],
        })),
      ],
    };
    description.pluginSchemas = pluginSchemas;
  }
  return deepFreeze(catalogue);
}

function dedupeById(plugins: NodePluginInfo[]): NodePluginInfo[] {
  const seen = new Set<string>();
  return plugins.filter((p) => (seen.has(p.id) ? false : (seen.add(p.id), true)));
}
