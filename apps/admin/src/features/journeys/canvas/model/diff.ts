import { type JourneyDefinition, type JourneyNode, NEXT_PORT } from '@itinera/journey-model';

export type NodeChange = 'added' | 'removed' | 'changed';

export interface JourneyDiff {
  /** Per node id: what publishing the draft does to it, compared with the live version. */
  nodes: Record<string, NodeChange>;
  /** Edges (`from:port→to`) the draft adds or removes. */
  edgesAdded: string[];
  edgesRemoved: string[];
  /** Journey settings that differ: entry, exit, caps, description. */
  settings: string[];
  /** Nodes of the live version that the draft no longer has, to show them as ghosts. */
  removedNodes: JourneyNode[];
  unchanged: boolean;
}

const edgeKey = (edge: { from: string; port?: string; to: string }) => `${edge.from}:${edge.port ?? NEXT_PORT}→${edge.to}`;

/** JSON with sorted keys, so that key order never counts as a change. */
function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stable((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

const sameNode = (a: JourneyNode, b: JourneyNode) =>
  a.type === b.type && (a.name ?? '') === (b.name ?? '') && stable(a.config ?? {}) === stable(b.config ?? {});

/**
 * What publishing `draft` changes against `live` (null: nothing published yet, so every node is
 * added). A node is changed when its type, name or config differ; edges are compared as a set;
 * positions and notes (`ui`, `layout`) never count.
 */
export function diffJourneys(live: JourneyDefinition | null | undefined, draft: JourneyDefinition): JourneyDiff {
  const before = new Map((live?.nodes ?? []).map((node) => [node.id, node]));
  const after = new Map(draft.nodes.map((node) => [node.id, node]));
  const nodes: Record<string, NodeChange> = {};
  for (const [id, node] of after) {
    const old = before.get(id);
    if (!old) nodes[id] = 'added';
    else if (!sameNode(old, node)) nodes[id] = 'changed';
  }
  const removedNodes = [...before.values()].filter((node) => !after.has(node.id));
  for (const node of removedNodes) nodes[node.id] = 'removed';
  const beforeEdges = new Set((live?.edges ?? []).map(edgeKey));
  const afterEdges = new Set(draft.edges.map(edgeKey));
  const edgesAdded = [...afterEdges].filter((key) => !beforeEdges.has(key));
  const edgesRemoved = [...beforeEdges].filter((key) => !afterEdges.has(key));
  const settings = (['entry', 'exit', 'caps', 'description'] as const).filter(
    (key) => stable(live?.[key] ?? null) !== stable(draft[key] ?? null),
  );
  return {
    nodes,
    edgesAdded,
    edgesRemoved,
    settings: live ? settings : [],
    removedNodes,
    unchanged:
      Object.keys(nodes).length === 0 && edgesAdded.length === 0 && edgesRemoved.length === 0 && (live ? settings.length === 0 : true),
  };
}
