import {
  DEFAULT_PORT,
  NEXT_PORT,
  NODE_ID_PATTERN,
  NODE_TYPES,
  isNodeType,
  nodeCatalogue,
  outputPorts,
  type NodeCatalogue,
  type NodeTypeDescription,
} from './catalogue.js';
import { CONTEXT_ROOTS, checkCondition } from './conditions.js';
import { compileSchema, jsonSchemaProblems, schemaIssues } from './schema-check.js';
import { isValidTimeZone } from './time-zones.js';
import type { JsonSchema, NodePluginInfo, NodeType } from './types.js';

export const PROBLEM_CODES = [
  /** The definition's JSON shape: missing or mistyped fields, unknown properties. */
  'invalid_shape',
  'invalid_node_id',
  'duplicate_node_id',
  'unknown_node_type',
  'missing_trigger',
  'multiple_triggers',
  'unknown_edge_source',
  'unknown_edge_target',
  'edge_into_trigger',
  'unknown_port',
  'duplicate_edge',
  'unreachable_node',
  'cycle_without_wait',
  /** A node's config does not match its type's schema (or its plugin's parameters). */
  'invalid_config',
  /** A JSON Logic condition is malformed: unknown operator, wrong arity, unknown context root. */
  'invalid_condition',
  'invalid_port',
  'duplicate_port',
  'reserved_port',
  'invalid_weight',
  'invalid_time',
  'invalid_timezone',
  'invalid_weekday',
  'invalid_reentry',
  'invalid_exit_goal',
  'invalid_cap',
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

export interface JourneyProblem {
  /** The node the problem is on (or, for an edge, the node it leaves from), when there is one. */
  nodeId?: string;
  /** For problems with an edge: its index in `edges`. */
  edgeIndex?: number;
  /** JSON pointer into the definition (`/nodes/3/config/until/time`). */
  path: string;
  code: ProblemCode;
  message: string;
}

export interface JourneyValidation {
  ok: boolean;
  problems: JourneyProblem[];
}

export interface ValidateJourneyOptions {
  /** Installed plugins: fetch and ai configs are then checked against their `nodeParameters`. */
  plugins?: readonly NodePluginInfo[];
}

const condition = { 'x-widget': 'condition' };

/** JSON Schema of the definition's top level (nodes and edges are checked one by one). */
export const JOURNEY_SCHEMA: JsonSchema = Object.freeze({
  type: 'object',
  required: ['name', 'nodes', 'edges'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200, title: 'Name' },
    description: { type: 'string', title: 'Description' },
    entry: {
      type: 'object',
      properties: {
        reentry: {
          title: 'Re-entry',
          description: 'once, always, or { afterSeconds } since the previous run ended.',
          'x-code': 'invalid_reentry',
          if: { type: 'string' },
          then: { enum: ['once', 'always'], 'x-code': 'invalid_reentry' },
          else: {
            type: 'object',
            required: ['afterSeconds'],
            properties: { afterSeconds: { type: 'integer', minimum: 1, 'x-code': 'invalid_reentry' } },
            additionalProperties: false,
            'x-code': 'invalid_reentry',
          },
        },
      },
      additionalProperties: false,
    },
    exit: {
      type: 'array',
      title: 'Goals',
      'x-code': 'invalid_exit_goal',
      items: {
        type: 'object',
        required: ['event'],
        properties: {
          event: { type: 'string', minLength: 1, 'x-code': 'invalid_exit_goal', 'x-message': 'must be a non-empty event name' },
          filter: condition,
        },
        additionalProperties: false,
        'x-code': 'invalid_exit_goal',
      },
    },
    caps: {
      type: 'array',
      title: 'Frequency caps',
      'x-code': 'invalid_cap',
      items: {
        type: 'object',
        required: ['limit', 'windowSeconds'],
        properties: {
          limit: { type: 'integer', minimum: 1, 'x-code': 'invalid_cap' },
          windowSeconds: { type: 'integer', minimum: 1, 'x-code': 'invalid_cap' },
          action: { enum: ['skip', 'defer'], default: 'skip', 'x-code': 'invalid_cap' },
        },
        additionalProperties: false,
        'x-code': 'invalid_cap',
      },
    },
    nodes: { type: 'array' },
    edges: { type: 'array' },
    layout: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['x', 'y'],
        properties: { x: { type: 'number' }, y: { type: 'number' } },
      },
    },
    ui: {
      type: 'object',
      title: 'Canvas',
      description: 'What the canvas keeps with the journey (node positions, sticky notes, sample step outputs); the engine ignores it.',
      properties: {
        positions: {
          type: 'object',
          additionalProperties: {
            type: 'object',
            required: ['x', 'y'],
            properties: { x: { type: 'number' }, y: { type: 'number' } },
          },
        },
        notes: {
          type: 'array',
          items: {
            type: 'object',
            required: ['id', 'x', 'y', 'text'],
            properties: {
              id: { type: 'string', minLength: 1 },
              x: { type: 'number' },
              y: { type: 'number' },
              width: { type: 'number', exclusiveMinimum: 0 },
              height: { type: 'number', exclusiveMinimum: 0 },
              text: { type: 'string' },
            },
          },
        },
        samples: {
          type: 'object',
          description: 'Sample outputs of fetch and ai steps by node id (from "run this step"), for simulations and the variable picker.',
        },
      },
    },
  },
  patternProperties: { '^x-': {} },
  additionalProperties: false,
});

let lastCatalogue: { key: string; catalogue: NodeCatalogue } | undefined;

/** The plugin-extended catalogue, rebuilt only when the plugins change between calls. */
function cachedCatalogue(plugins: readonly NodePluginInfo[]): NodeCatalogue {
  const key = JSON.stringify(plugins);
  if (lastCatalogue?.key !== key) lastCatalogue = { key, catalogue: nodeCatalogue(plugins) };
  return lastCatalogue.catalogue;
}

const NODE_KEYS = new Set(['id', 'type', 'name', 'config']);
const EDGE_KEYS = new Set(['from', 'port', 'to']);
/** Node types a run always pauses at, so a cycle through one cannot spin. */
const isPause = (type: string, config: unknown) =>
  type === 'wait_for_event' || (type === 'delay' && isPlainObject(config) && ('seconds' in config || 'until' in config));

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const escape = (segment: string | number) => String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
const quote = (value: unknown) => JSON.stringify(value);

interface GraphNode {
  id: string;
  index: number;
  type: NodeType | undefined;
  config: unknown;
}

/**
 * Checks a journey definition and returns every problem found, each with its node id (or edge
 * index) and a JSON pointer: shape, ids, exactly one trigger, edges naming existing nodes and
 * ports, one edge per port, reachability from the trigger, no cycle without a pause, configs
 * against their schemas (and plugins' parameters with `options.plugins`), JSON Logic conditions,
 * ports, weights, times, zones, weekdays, re-entry, goals and caps. Whether templates, topics and
 * plugins exist is the server's check (see `referencedResources`). Never throws.
 */
export function validateJourney(definition: unknown, options: ValidateJourneyOptions = {}): JourneyValidation {
  const problems: JourneyProblem[] = [];
  try {
    collect(definition, options, problems);
  } catch (error) {
    // A bug here must not turn a user's mistake into a 500: report it as a problem instead.
    problems.push({
      path: '',
      code: 'invalid_shape',
      message: `the definition could not be checked: ${(error as Error)?.message ?? String(error)}`,
    });
  }
  return { ok: problems.length === 0, problems };
}

function collect(definition: unknown, options: ValidateJourneyOptions, problems: JourneyProblem[]): void {
  if (!isPlainObject(definition)) {
    problems.push({ path: '', code: 'invalid_shape', message: 'a journey definition must be a JSON object' });
    return;
  }
  const usePlugins = options.plugins !== undefined;
  const catalogue = usePlugins ? cachedCatalogue(options.plugins!) : NODE_TYPES;

  for (const issue of schemaIssues(compileSchema(JOURNEY_SCHEMA, true), definition)) {
    problems.push({ path: issue.path, code: (issue.code as ProblemCode) ?? 'invalid_shape', message: issue.message });
  }
  if (Array.isArray(definition.exit)) {
    definition.exit.forEach((goal, i) => {
      if (isPlainObject(goal) && goal.filter !== undefined)
        conditionProblems(goal.filter, `/exit/${i}/filter`, undefined, CONTEXT_ROOTS, problems);
    });
  }

  // Nodes
  const graph = new Map<string, GraphNode>();
  const nodes = Array.isArray(definition.nodes) ? definition.nodes : [];
  nodes.forEach((node, index) => {
    const at = `/nodes/${index}`;
    if (!isPlainObject(node)) {
      problems.push({ path: at, code: 'invalid_shape', message: 'a node must be an object { id, type, config }' });
      return;
    }
    const id = typeof node.id === 'string' ? node.id : undefined;
    const nodeId = id;
    if (id === undefined) {
      problems.push({
        path: `${at}/id`,
        code: 'invalid_node_id',
        message: node.id === undefined ? 'the node has no id' : 'a node id must be a string',
      });
    } else if (!NODE_ID_PATTERN.test(id)) {
      problems.push({
        nodeId,
        path: `${at}/id`,
        code: 'invalid_node_id',
        message: `${quote(id)} is not a valid node id: letters, digits, _ and -, starting with a letter or _, at most 64`,
      });
    }
    if (id !== undefined && graph.has(id)) {
      problems.push({
        nodeId,
        path: `${at}/id`,
        code: 'duplicate_node_id',
        message: `another node (index ${graph.get(id)!.index}) already has the id ${quote(id)}`,
      });
    }
    const type = isNodeType(node.type) ? node.type : undefined;
    if (type === undefined) {
      problems.push({
        nodeId,
        path: `${at}/type`,
        code: 'unknown_node_type',
        message:
          node.type === undefined
            ? 'the node has no type'
            : `${quote(node.type)} is not a node type: one of ${Object.keys(NODE_TYPES).join(', ')}`,
      });
    }
    if (node.name !== undefined && typeof node.name !== 'string') {
      problems.push({ nodeId, path: `${at}/name`, code: 'invalid_shape', message: 'must be a string' });
    }
    for (const key of Object.keys(node)) {
      if (!NODE_KEYS.has(key) && !key.startsWith('x-')) {
        problems.push({
          nodeId,
          path: `${at}/${escape(key)}`,
          code: 'invalid_shape',
          message: 'is not a known property of a node (id, type, name, config)',
        });
      }
    }
    if (id !== undefined && !graph.has(id)) graph.set(id, { id, index, type, config: node.config });
    if (type !== undefined) checkConfig(catalogue[type], node.config, nodeId, at, usePlugins, problems);
  });

  // Triggers
  const triggers = [...graph.values()].filter((n) => n.type === 'trigger');
  if (Array.isArray(definition.nodes) && nodes.every((n) => !(isPlainObject(n) && n.type === 'trigger'))) {
    problems.push({ path: '/nodes', code: 'missing_trigger', message: 'a journey needs exactly one trigger node; it has none' });
  }
  for (const extra of triggers.slice(1)) {
    problems.push({
      nodeId: extra.id,
      path: `/nodes/${extra.index}`,
      code: 'multiple_triggers',
      message: `a journey has exactly one trigger; ${quote(triggers[0].id)} is already its trigger`,
    });
  }

  // Edges
  const adjacency = new Map<string, string[]>();
  const taken = new Map<string, number>();
  const edges = Array.isArray(definition.edges) ? definition.edges : [];
  edges.forEach((edge, edgeIndex) => {
    const at = `/edges/${edgeIndex}`;
    if (!isPlainObject(edge)) {
      problems.push({ edgeIndex, path: at, code: 'invalid_shape', message: 'an edge must be an object { from, port?, to }' });
      return;
    }
    const from = typeof edge.from === 'string' ? edge.from : undefined;
    const to = typeof edge.to === 'string' ? edge.to : undefined;
    const source = from !== undefined ? graph.get(from) : undefined;
    const nodeId = source?.id;
    let usable = true;
    for (const key of Object.keys(edge)) {
      if (!EDGE_KEYS.has(key) && !key.startsWith('x-')) {
        problems.push({
          nodeId,
          edgeIndex,
          path: `${at}/${escape(key)}`,
          code: 'invalid_shape',
          message: 'is not a known property of an edge (from, port, to)',
        });
      }
    }
    if (from === undefined) {
      problems.push({
        edgeIndex,
        path: `${at}/from`,
        code: 'invalid_shape',
        message: edge.from === undefined ? 'is required' : 'must be a node id (string)',
      });
      usable = false;
    } else if (!source) {
      problems.push({ edgeIndex, path: `${at}/from`, code: 'unknown_edge_source', message: `no node has the id ${quote(from)}` });
      usable = false;
    }
    if (to === undefined) {
      problems.push({
        nodeId,
        edgeIndex,
        path: `${at}/to`,
        code: 'invalid_shape',
        message: edge.to === undefined ? 'is required' : 'must be a node id (string)',
      });
      usable = false;
    } else if (!graph.has(to)) {
      problems.push({ nodeId, edgeIndex, path: `${at}/to`, code: 'unknown_edge_target', message: `no node has the id ${quote(to)}` });
      usable = false;
    } else if (graph.get(to)!.type === 'trigger') {
      problems.push({
        nodeId,
        edgeIndex,
        path: `${at}/to`,
        code: 'edge_into_trigger',
        message: `${quote(to)} is the trigger: no edge may lead into it`,
      });
      usable = false;
    }
    let port = NEXT_PORT;
    if (edge.port !== undefined) {
      if (typeof edge.port !== 'string') {
        problems.push({ nodeId, edgeIndex, path: `${at}/port`, code: 'invalid_shape', message: 'must be a port name (string)' });
        return;
      }
      port = edge.port;
    }
    if (source && source.type !== undefined) {
      const ports = outputPorts({ type: source.type, config: source.config });
      if (!ports.includes(port)) {
        problems.push({
          nodeId,
          edgeIndex,
          path: edge.port === undefined ? at : `${at}/port`,
          code: 'unknown_port',
          message:
            ports.length === 0
              ? `${quote(source.id)} (${source.type}) has no output ports`
              : `${quote(source.id)} (${source.type}) has no port ${quote(port)}; its ports: ${ports.join(', ')}`,
        });
        usable = false;
      }
    }
    if (source) {
      const key = `${source.id}\u0000${port}`;
      if (taken.has(key)) {
        problems.push({
          nodeId,
          edgeIndex,
          path: at,
          code: 'duplicate_edge',
          message: `port ${quote(port)} of ${quote(source.id)} is already connected (edge ${taken.get(key)}); a port leads to one node`,
        });
        usable = false;
      } else if (usable) taken.set(key, edgeIndex);
    }
    if (usable && source && to !== undefined) {
      const list = adjacency.get(source.id) ?? [];
      list.push(to);
      adjacency.set(source.id, list);
    }
  });

  // Reachability from the trigger
  if (triggers.length > 0) {
    const reached = new Set<string>(triggers.map((t) => t.id));
    const queue = triggers.map((t) => t.id);
    while (queue.length > 0) {
      for (const next of adjacency.get(queue.shift()!) ?? []) {
        if (!reached.has(next)) {
          reached.add(next);
          queue.push(next);
        }
      }
    }
    for (const node of graph.values()) {
      if (!reached.has(node.id)) {
        problems.push({
          nodeId: node.id,
          path: `/nodes/${node.index}`,
          code: 'unreachable_node',
          message: `${quote(node.id)} cannot be reached from the trigger ${quote(triggers[0].id)}`,
        });
      }
    }
  }

  // Cycles: among nodes that do not pause, any cycle would spin.
  for (const component of cyclesWithoutPause(graph, adjacency)) {
    const first = component[0];
    problems.push({
      nodeId: first.id,
      path: `/nodes/${first.index}`,
      code: 'cycle_without_wait',
      message:
        component.length === 1
          ? `${quote(first.id)} leads back to itself without a pause; a loop needs a delay (seconds or until) or a wait_for_event`
          : `${component.map((n) => quote(n.id)).join(', ')} form a loop without a pause; a loop needs a delay (seconds or until) or a wait_for_event`,
    });
  }
}

/** Strongly connected components with a cycle among the nodes that do not pause (Tarjan, iterative). */
function cyclesWithoutPause(graph: Map<string, GraphNode>, adjacency: Map<string, string[]>): GraphNode[][] {
  const candidates = [...graph.values()].filter((n) => !(n.type !== undefined && isPause(n.type, n.config)));
  const inside = new Set(candidates.map((n) => n.id));
  const successors = (id: string) => (adjacency.get(id) ?? []).filter((to) => inside.has(to));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: GraphNode[][] = [];
  let counter = 0;

  for (const start of candidates) {
    if (index.has(start.id)) continue;
    const work: Array<{ id: string; next: number; succ: string[] }> = [];
    const open = (id: string) => {
      index.set(id, counter);
      low.set(id, counter);
      counter += 1;
      stack.push(id);
      onStack.add(id);
      work.push({ id, next: 0, succ: successors(id) });
    };
    open(start.id);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      if (frame.next < frame.succ.length) {
        const to = frame.succ[frame.next++];
        if (!index.has(to)) open(to);
        else if (onStack.has(to)) low.set(frame.id, Math.min(low.get(frame.id)!, index.get(to)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1];
        low.set(parent.id, Math.min(low.get(parent.id)!, low.get(frame.id)!));
      }
      if (low.get(frame.id) === index.get(frame.id)) {
        const members: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          members.push(member);
        } while (member !== frame.id);
        const looped = members.length > 1 || successors(frame.id).includes(frame.id);
        if (looped) components.push(members.map((id) => graph.get(id)!).sort((a, b) => a.index - b.index));
      }
    }
  }
  return components.sort((a, b) => a[0].index - b[0].index);
}

function conditionProblems(
  logic: unknown,
  path: string,
  nodeId: string | undefined,
  roots: readonly string[],
  problems: JourneyProblem[],
): void {
  for (const problem of checkCondition(logic, { roots })) {
    problems.push({
      ...(nodeId !== undefined ? { nodeId } : {}),
      path: `${path}${problem.path}`,
      code: 'invalid_condition',
      message: problem.message,
    });
  }
}

function schemaProblems(
  schema: JsonSchema,
  value: unknown,
  stable: boolean,
  nodeId: string | undefined,
  at: string,
  problems: JourneyProblem[],
): void {
  let validate;
  try {
    validate = compileSchema(schema, stable);
  } catch (error) {
    problems.push({ nodeId, path: at, code: 'invalid_config', message: `the config schema cannot be used: ${(error as Error).message}` });
    return;
  }
  for (const issue of schemaIssues(validate, value)) {
    problems.push({ nodeId, path: `${at}${issue.path}`, code: (issue.code as ProblemCode) ?? 'invalid_config', message: issue.message });
  }
}

function checkConfig(
  description: NodeTypeDescription,
  config: unknown,
  nodeId: string | undefined,
  nodeAt: string,
  usePlugins: boolean,
  problems: JourneyProblem[],
): void {
  const at = `${nodeAt}/config`;
  if (config === undefined) {
    if (!description.configOptional)
      problems.push({ nodeId, path: at, code: 'invalid_config', message: `is required for a ${description.type} node` });
    return;
  }
  if (!isPlainObject(config)) {
    problems.push({ nodeId, path: at, code: 'invalid_config', message: 'must be an object' });
    return;
  }

  // The schema: the variant chosen by its key, the plugin's complete schema, or the type's.
  if (description.configVariants) {
    const present = description.configVariants.filter((v) => Object.prototype.hasOwnProperty.call(config, v.key));
    if (present.length === 1) {
      const variant = NODE_TYPES[description.type].configVariants!.find((v) => v.key === present[0].key)!;
      schemaProblems(variant.schema, config, true, nodeId, at, problems);
    } else {
      const keys = description.configVariants.map((v) => v.key).join(', ');
      problems.push({
        nodeId,
        path: at,
        code: 'invalid_config',
        message:
          present.length === 0
            ? `a ${description.type} config needs one of: ${keys}`
            : `a ${description.type} config has one of ${keys}, not several (${present.map((v) => v.key).join(', ')})`,
      });
    }
  } else {
    const pluginId = description.plugin ? config[description.plugin.property] : undefined;
    const pluginSchema =
      typeof pluginId === 'string' && description.pluginSchemas && Object.prototype.hasOwnProperty.call(description.pluginSchemas, pluginId)
        ? description.pluginSchemas[pluginId]
        : undefined;
    if (pluginSchema) schemaProblems(pluginSchema, config, false, nodeId, at, problems);
    // With plugins but an unknown one: the extended schema says which ids exist.
    else if (description.pluginSchemas) schemaProblems(description.configSchema, config, false, nodeId, at, problems);
    // The frozen catalogue's own schema object, compiled once.
    else schemaProblems(NODE_TYPES[description.type].configSchema, config, true, nodeId, at, problems);
  }

  // What a schema cannot say.
  switch (description.type) {
    case 'trigger':
      if (config.filter !== undefined && 'event' in config)
        conditionProblems(config.filter, `${at}/filter`, nodeId, CONTEXT_ROOTS, problems);
      if (config.segment !== undefined) conditionProblems(config.segment, `${at}/segment`, nodeId, ['profile'], problems);
      break;
    case 'wait_for_event':
      if (config.filter !== undefined) conditionProblems(config.filter, `${at}/filter`, nodeId, CONTEXT_ROOTS, problems);
      break;
    case 'branch':
    case 'split': {
      const list = description.type === 'branch' ? config.branches : config.variants;
      const listAt = `${at}/${description.type === 'branch' ? 'branches' : 'variants'}`;
      if (!Array.isArray(list)) break;
      const seen = new Map<string, number>();
      list.forEach((item, i) => {
        if (!isPlainObject(item)) return;
        if (description.type === 'branch' && item.when !== undefined)
          conditionProblems(item.when, `${listAt}/${i}/when`, nodeId, CONTEXT_ROOTS, problems);
        if (typeof item.port !== 'string') return;
        if (item.port === DEFAULT_PORT) {
          problems.push({
            nodeId,
            path: `${listAt}/${i}/port`,
            code: 'reserved_port',
            message:
              description.type === 'branch'
                ? `"${DEFAULT_PORT}" is the port taken when no branch matches; name this branch otherwise`
                : `"${DEFAULT_PORT}" is reserved; name this variant otherwise`,
          });
        } else if (seen.has(item.port)) {
          problems.push({
            nodeId,
            path: `${listAt}/${i}/port`,
            code: 'duplicate_port',
            message: `port ${quote(item.port)} is already used (index ${seen.get(item.port)})`,
          });
        } else seen.set(item.port, i);
      });
      break;
    }
    case 'delay': {
      const until = config.until;
      if (
        isPlainObject(until) &&
        typeof until.timezone === 'string' &&
        until.timezone !== 'profile' &&
        until.timezone !== '' &&
        !isValidTimeZone(until.timezone)
      ) {
        problems.push({
          nodeId,
          path: `${at}/until/timezone`,
          code: 'invalid_timezone',
          message: `${quote(until.timezone)} is not an IANA time zone (such as "Europe/Paris"); use "profile" for the profile's own`,
        });
      }
      break;
    }
    case 'ai':
      if (config.schema !== undefined && isPlainObject(config.schema)) {
        for (const message of jsonSchemaProblems(config.schema))
          problems.push({ nodeId, path: `${at}/schema`, code: 'invalid_config', message });
      }
      break;
    case 'webhook':
      checkUrl(config.url, `${at}/url`, nodeId, problems);
      break;
    case 'fetch':
      // Whatever the data source declares for the rest of its request, a `url` is fetched over http(s).
      if (isPlainObject(config.request)) checkUrl(config.request.url, `${at}/request/url`, nodeId, problems);
      break;
  }
}

const LIQUID = /\{\{|\{%/;
const HTTP_URL = /^https?:\/\/[^\s/?#@]+(?:[/?#]\S*)?$/i;

/** A URL must be http(s); one built by Liquid must at least start with the scheme or a tag. */
function checkUrl(url: unknown, path: string, nodeId: string | undefined, problems: JourneyProblem[]): void {
  if (typeof url !== 'string' || url === '') return;
  const ok = LIQUID.test(url) ? /^(https?:\/\/|\{\{|\{%)/i.test(url.trim()) : HTTP_URL.test(url);
  if (!ok) problems.push({ nodeId, path, code: 'invalid_config', message: 'must be an http(s) URL (Liquid allowed)' });
}
