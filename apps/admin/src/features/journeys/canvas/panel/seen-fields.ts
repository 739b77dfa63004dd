import type { JourneyDefinition, JourneyNode } from '@itinera/journey-model';
import { useEventsList, useProfilesList } from '@itinera/sdk';
import { useMemo } from 'react';

export interface ContextField {
  /** The path conditions and Liquid use: `profile.traits.plan`, `event.properties.plan`, `data.health.body.score`. */
  path: string;
  group: 'Profile' | 'Event' | 'Data' | 'Run';
}

const PROFILE_FIELDS = ['profile.userId', 'profile.email', 'profile.phone', 'profile.timezone', 'profile.locale'];
const RUN_FIELDS = ['run.id', 'run.journeyId', 'run.version', 'run.startedAt'];

/** Keys of a sample of objects, nested ones as dotted paths (two levels), most frequent first. */
export function keysOf(samples: unknown[], prefix: string, depth = 2): string[] {
  const counts = new Map<string, number>();
  const walk = (value: unknown, path: string, level: number) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
    for (const [key, inner] of Object.entries(value)) {
      const next = `${path}.${key}`;
      counts.set(next, (counts.get(next) ?? 0) + 1);
      if (level < depth) walk(inner, next, level + 1);
    }
  };
  for (const sample of samples) walk(sample, prefix, 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([key]) => key);
}

/** What a fetch or ai step's output holds, as `data.<id>.…` paths: from its sample output (a real run of it) first, then from its type. */
export function outputFields(node: JourneyNode, sample?: unknown): string[] {
  const base = `data.${node.id}`;
  const fromSample = sample === undefined ? [] : keysOf([sample], base, 3);
  return [...new Set([...fromSample, ...typeFields(node, base)])];
}

function typeFields(node: JourneyNode, base: string): string[] {
  if (node.type === 'fetch') return [`${base}.status`, `${base}.body`, `${base}.headers`];
  if (node.type !== 'ai') return [];
  const config = node.config as { task?: string; schema?: { properties?: Record<string, unknown> } };
  if (config.task === 'classify') return [`${base}.label`];
  if (config.task === 'score') return [`${base}.score`];
  if (config.task === 'extract' && config.schema?.properties) return Object.keys(config.schema.properties).map((key) => `${base}.${key}`);
  return [`${base}.text`];
}

/** The steps a run passes before `nodeId` (every node with a path to it). */
export function upstreamOf(definition: JourneyDefinition, nodeId: string): JourneyNode[] {
  const into = new Map<string, string[]>();
  for (const edge of definition.edges) into.set(edge.to, [...(into.get(edge.to) ?? []), edge.from]);
  const seen = new Set<string>();
  const queue = [...(into.get(nodeId) ?? [])];
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    queue.push(...(into.get(id) ?? []));
  }
  return definition.nodes.filter((node) => seen.has(node.id));
}

/**
 * The fields a condition or Liquid text in step `nodeId` can use, from what this workspace has
 * seen: traits of recent profiles, properties of recent events of the trigger's (or the awaited)
 * event, and the outputs of the fetch and ai steps upstream (with the fields of their sample outputs).
 */
export function useSeenFields(
  definition: JourneyDefinition,
  nodeId: string | null,
  options: { profileOnly?: boolean; samples?: Record<string, unknown> } = {},
): ContextField[] {
  const node = definition.nodes.find((n) => n.id === nodeId);
  const trigger = definition.nodes.find((n) => n.type === 'trigger');
  const eventName =
    node?.type === 'wait_for_event'
      ? (node.config as { event?: string }).event
      : trigger && 'event' in (trigger.config ?? {})
        ? (trigger.config as { event?: string }).event
        : undefined;
  const profiles = useProfilesList({ limit: 50 }, { query: { staleTime: 60_000 } });
  const events = useEventsList(
    { event: eventName || undefined, type: 'track', limit: 50 },
    { query: { staleTime: 60_000, enabled: Boolean(eventName) && !options.profileOnly } },
  );

  return useMemo(() => {
    const fields: ContextField[] = [];
    const traits = keysOf(
      (profiles.data?.data ?? []).map((p) => p.traits),
      'profile.traits',
    );
    for (const path of [...traits, ...PROFILE_FIELDS]) fields.push({ path, group: 'Profile' });
    if (options.profileOnly) return fields;
    for (const path of keysOf(
      (events.data?.data ?? []).map((e) => e.properties),
      'event.properties',
    ))
      fields.push({ path, group: 'Event' });
    fields.push({ path: 'event.name', group: 'Event' }, { path: 'event.timestamp', group: 'Event' });
    if (nodeId)
      for (const upstream of upstreamOf(definition, nodeId))
        for (const path of outputFields(upstream, options.samples?.[upstream.id])) fields.push({ path, group: 'Data' });
    for (const path of RUN_FIELDS) fields.push({ path, group: 'Run' });
    return fields;
  }, [profiles.data, events.data, definition, nodeId, options.profileOnly, options.samples]);
}
