import { NEXT_PORT } from './catalogue.js';
import type { JourneyDefinition, JourneyNode, TriggerNode } from './types.js';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const nodesOf = (definition: unknown): unknown[] => (isPlainObject(definition) && Array.isArray(definition.nodes) ? definition.nodes : []);
const edgesOf = (definition: unknown): unknown[] => (isPlainObject(definition) && Array.isArray(definition.edges) ? definition.edges : []);

/** The node with this id (the first, if ids repeat). */
export function nodeById(definition: JourneyDefinition, nodeId: string): JourneyNode | undefined {
  return nodesOf(definition).find((node): node is JourneyNode => isPlainObject(node) && node.id === nodeId);
}

/** The journey's trigger node (the first, if there are several: validation reports that). */
export function triggerOf(definition: JourneyDefinition): TriggerNode | undefined {
  return nodesOf(definition).find((node): node is TriggerNode => isPlainObject(node) && node.type === 'trigger');
}

/**
 * The node a run goes to when `nodeId` leaves through `port` (default `next`), or undefined when
 * the port is not connected: an unconnected port ends the run. With duplicate edges (invalid),
 * the first wins. Port fallbacks (`send`'s `failed` → `next`) are the caller's choice: see
 * `PortDescription.fallback`.
 */
export function nextNode(definition: JourneyDefinition, nodeId: string, port: string = NEXT_PORT): string | undefined {
  for (const edge of edgesOf(definition)) {
    if (!isPlainObject(edge) || edge.from !== nodeId) continue;
    if ((edge.port ?? NEXT_PORT) === port && typeof edge.to === 'string') return edge.to;
  }
  return undefined;
}

/** What a journey refers to outside itself: the core checks each exists before publishing. */
export interface ReferencedResources {
  /** send.template */
  templates: string[];
  /** send.topic */
  topics: string[];
  /** fetch.source */
  dataSources: string[];
  /** ai.provider */
  llms: string[];
  /** Events it listens for: trigger.event, wait_for_event.event, exit[].event. */
  events: string[];
}

/** Every template, topic, data source, LLM and event the journey names, each once, in order of appearance. */
export function referencedResources(definition: JourneyDefinition): ReferencedResources {
  const sets = {
    templates: new Set<string>(),
    topics: new Set<string>(),
    dataSources: new Set<string>(),
    llms: new Set<string>(),
    events: new Set<string>(),
  };
  const add = (set: Set<string>, value: unknown) => {
    if (typeof value === 'string' && value !== '') set.add(value);
  };
  for (const node of nodesOf(definition)) {
    if (!isPlainObject(node) || !isPlainObject(node.config)) continue;
    const config = node.config;
    switch (node.type) {
      case 'trigger':
      case 'wait_for_event':
        add(sets.events, config.event);
        break;
      case 'send':
        add(sets.templates, config.template);
        add(sets.topics, config.topic);
        break;
      case 'fetch':
        add(sets.dataSources, config.source);
        break;
      case 'ai':
        add(sets.llms, config.provider);
        break;
    }
  }
  const exit = isPlainObject(definition) ? (definition as unknown as Record<string, unknown>).exit : undefined;
  if (Array.isArray(exit)) for (const goal of exit) if (isPlainObject(goal)) add(sets.events, goal.event);
  return {
    templates: [...sets.templates],
    topics: [...sets.topics],
    dataSources: [...sets.dataSources],
    llms: [...sets.llms],
    events: [...sets.events],
  };
}
