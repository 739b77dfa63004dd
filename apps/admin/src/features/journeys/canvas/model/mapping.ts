import { type Edge, MarkerType, type Node } from '@xyflow/react';
import { type JourneyDefinition, type JourneyNode, type JourneyUi, NEXT_PORT, type StickyNote } from '@itinera/journey-model';
import { samplesFor } from './samples';

/** A step of the journey on the canvas: the journey node itself is its data. */
export type StepNode = Node<{ node: JourneyNode }, 'step'>;
/** A sticky note on the canvas (kept in `ui.notes`). */
export type NoteNode = Node<{ text: string }, 'note'>;
export type CanvasNode = StepNode | NoteNode;
export type CanvasEdge = Edge<{ port: string }>;

/** Everything of the definition that is not a node, an edge or a position. */
export interface JourneyMeta {
  name: string;
  description?: string;
  entry?: JourneyDefinition['entry'];
  exit?: JourneyDefinition['exit'];
  caps?: JourneyDefinition['caps'];
  /** Sample outputs of fetch and ai steps by node id (`ui.samples`). */
  samples: Record<string, unknown>;
  /** Other top-level keys (`x-…`) and the canvas's own `ui` keys besides positions, notes and samples, kept as they were. */
  extra: Record<string, unknown>;
  uiExtra: Record<string, unknown>;
}

export interface CanvasDocument {
  meta: JourneyMeta;
  nodes: CanvasNode[];
  edges: CanvasEdge[];
  /** Step ids with no stored position: the canvas lays them out. */
  unplaced: string[];
}

export const NOTE_PREFIX = 'note:';
export const TARGET_HANDLE = 'in';
export const NOTE_SIZE = { width: 220, height: 120 };

const ARROW = { type: MarkerType.ArrowClosed, width: 16, height: 16 };

export const edgeId = (from: string, port: string) => `${from}:${port}`;
export const isStep = (node: CanvasNode): node is StepNode => node.type === 'step';
export const isNote = (node: CanvasNode): node is NoteNode => node.type === 'note';

/** A step's size before React Flow measures it: lets a large canvas draw only the steps in view from the start. */
export const STEP_INITIAL_SIZE = { width: 260, height: 110 };

export function stepNode(node: JourneyNode, position: { x: number; y: number }): StepNode {
  return {
    id: node.id,
    type: 'step',
    position,
    data: { node },
    initialWidth: STEP_INITIAL_SIZE.width,
    initialHeight: STEP_INITIAL_SIZE.height,
  };
}

export function canvasEdge(from: string, port: string, to: string): CanvasEdge {
  return {
    id: edgeId(from, port),
    type: 'journey',
    markerEnd: ARROW,
    source: from,
    sourceHandle: port,
    target: to,
    targetHandle: TARGET_HANDLE,
    data: { port },
  };
}

const KNOWN_KEYS = new Set(['name', 'description', 'entry', 'exit', 'caps', 'nodes', 'edges', 'layout', 'ui']);

/** The definition as React Flow nodes and edges: steps placed from `ui.positions` (or an older `layout`), notes from `ui.notes`. */
export function toCanvas(definition: JourneyDefinition): CanvasDocument {
  const ui: JourneyUi = definition.ui ?? {};
  const positions = { ...(definition.layout ?? {}), ...(ui.positions ?? {}) };
  const unplaced: string[] = [];
  const nodes: CanvasNode[] = (definition.nodes ?? []).map((node) => {
    const position = positions[node.id];
    if (!position) unplaced.push(node.id);
    return stepNode(node, position ? { x: position.x, y: position.y } : { x: 0, y: 0 });
  });
  for (const note of ui.notes ?? []) {
    nodes.push({
      id: `${NOTE_PREFIX}${note.id}`,
      type: 'note',
      position: { x: note.x, y: note.y },
      width: note.width ?? NOTE_SIZE.width,
      height: note.height ?? NOTE_SIZE.height,
      data: { text: note.text },
    });
  }
  const edges = (definition.edges ?? []).map((edge) => canvasEdge(edge.from, edge.port ?? NEXT_PORT, edge.to));
  const { positions: _positions, notes: _notes, samples, ...uiExtra } = ui;
  const extra = Object.fromEntries(Object.entries(definition).filter(([key]) => !KNOWN_KEYS.has(key)));
  const meta: JourneyMeta = {
    name: definition.name,
    samples: samplesFor(
      samples,
      (definition.nodes ?? []).map((node) => node.id),
    ),
    extra,
    uiExtra,
  };
  if (definition.description !== undefined) meta.description = definition.description;
  if (definition.entry !== undefined) meta.entry = definition.entry;
  if (definition.exit !== undefined) meta.exit = definition.exit;
  if (definition.caps !== undefined) meta.caps = definition.caps;
  return { meta, nodes, edges, unplaced };
}

const round = (value: number) => Math.round(value);

/**
 * The definition the canvas shows: nodes in canvas order, edges as the SPEC writes them (no
 * `port` for `next`), positions and notes in `ui`. An older `layout` is not written back.
 */
export function toDefinition(meta: JourneyMeta, nodes: CanvasNode[], edges: CanvasEdge[]): JourneyDefinition {
  const steps = nodes.filter(isStep);
  const notes: StickyNote[] = nodes.filter(isNote).map((note) => ({
    id: note.id.slice(NOTE_PREFIX.length),
    x: round(note.position.x),
    y: round(note.position.y),
    width: round(note.width ?? note.measured?.width ?? NOTE_SIZE.width),
    height: round(note.height ?? note.measured?.height ?? NOTE_SIZE.height),
    text: note.data.text,
  }));
  const definition: JourneyDefinition = { ...(meta.extra as object), name: meta.name, nodes: [], edges: [] };
  if (meta.description !== undefined) definition.description = meta.description;
  if (meta.entry !== undefined) definition.entry = meta.entry;
  if (meta.exit !== undefined) definition.exit = meta.exit;
  if (meta.caps !== undefined) definition.caps = meta.caps;
  definition.nodes = steps.map((step) => step.data.node);
  definition.edges = edges.map((edge) => {
    const port = edge.sourceHandle ?? NEXT_PORT;
    return port === NEXT_PORT ? { from: edge.source, to: edge.target } : { from: edge.source, port, to: edge.target };
  });
  const ui: JourneyUi = {
    ...meta.uiExtra,
    positions: Object.fromEntries(steps.map((step) => [step.id, { x: round(step.position.x), y: round(step.position.y) }])),
  };
  if (notes.length > 0) ui.notes = notes;
  const samples = samplesFor(
    meta.samples,
    steps.map((step) => step.id),
  );
  if (Object.keys(samples).length > 0) ui.samples = samples;
  definition.ui = ui;
  return definition;
}
