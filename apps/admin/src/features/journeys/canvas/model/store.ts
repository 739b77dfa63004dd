import {
  type JourneyDefinition,
  type JourneyEdge,
  type JourneyNode,
  type JourneyProblem,
  NODE_ID_PATTERN,
  type NodeCatalogue,
  type NodePluginInfo,
  type NodeType,
  nodeCatalogue,
  outputPorts,
  validateJourney,
} from '@itinera/journey-model';
import { applyEdgeChanges, applyNodeChanges, type Connection, type EdgeChange, type NodeChange, type XYPosition } from '@xyflow/react';
import { createStore } from 'zustand/vanilla';
import type { AnalyticsOverlay } from './analytics-overlay';
import type { NodeChange as DiffChange } from './diff';
import { compactSample } from './samples';
import {
  type CanvasDocument,
  type CanvasEdge,
  type CanvasNode,
  canvasEdge,
  isNote,
  isStep,
  type JourneyMeta,
  NOTE_PREFIX,
  NOTE_SIZE,
  type NoteNode,
  type StepNode,
  stepNode,
  toCanvas,
  toDefinition,
} from './mapping';

/** What the canvas shows on a step after a simulation or for a run: the order it ran in and the port it left by. */
export interface StepHighlight {
  order: number;
  port: string | null;
  status: string;
}

export interface Highlight {
  source: 'simulation' | 'run';
  steps: Record<string, StepHighlight>;
  /** Edge ids (`from:port`) the path took. */
  edges: Record<string, true>;
}

interface Snapshot {
  meta: JourneyMeta;
  nodes: CanvasNode[];
  edges: CanvasEdge[];
}

export interface EditorState {
  meta: JourneyMeta;
  nodes: CanvasNode[];
  edges: CanvasEdge[];
  readOnly: boolean;
  plugins: NodePluginInfo[];
  /** Display names of plugin ids, for summaries. */
  pluginLabels: Record<string, string>;
  catalogue: NodeCatalogue;
  past: Snapshot[];
  future: Snapshot[];
  clipboard: { nodes: CanvasNode[]; edges: CanvasEdge[] } | null;
  /** Problems the journey model finds in the current definition (on every edit). */
  problems: JourneyProblem[];
  /** What only the server knows (templates, topics, plugins that do not exist), from its validate after each save. */
  serverProblems: JourneyProblem[];
  problemsByNode: Record<string, JourneyProblem[]>;
  /** Goes up with every change worth saving (positions included): autosave watches it. */
  editVersion: number;
  /** Goes up when steps, edges or settings change, not when something only moves. */
  structureVersion: number;
  /** The steps and edges as the journey has them; a new object only when they change (dragging keeps it): forms read this. */
  structure: { nodes: JourneyNode[]; edges: JourneyEdge[] };
  /** What `load` was given as the document's key: the canvas shows once its document is loaded. */
  documentKey: string | null;
  highlight: Highlight | null;
  /** Publish preview: each node's change against the live version. */
  diff: Record<string, DiffChange> | null;
  /** The journey's analytics drawn on the canvas (counts on steps, shares on edges), when shown. */
  analytics: AnalyticsOverlay | null;
  /** The step the side panel edits. */
  panelNodeId: string | null;
}

export interface EditorActions {
  load(definition: JourneyDefinition, options?: { readOnly?: boolean; key?: string }): CanvasDocument;
  setPlugins(plugins: NodePluginInfo[]): void;
  definition(): JourneyDefinition;
  onNodesChange(changes: NodeChange<CanvasNode>[]): void;
  onEdgesChange(changes: EdgeChange<CanvasEdge>[]): void;
  connect(connection: Connection): void;
  addStep(type: NodeType, position: XYPosition, options?: { insertOn?: string; config?: Record<string, unknown> }): string;
  addNote(position: XYPosition, text?: string): string;
  updateStep(id: string, patch: { config?: unknown; name?: string | undefined }): void;
  renameStep(id: string, newId: string): string | null;
  updateNote(id: string, text: string): void;
  setMeta(patch: Partial<Omit<JourneyMeta, 'extra' | 'uiExtra' | 'samples'>>): void;
  /** Keeps (compacted) what a fetch or ai step returned as its sample output; `undefined` forgets it. */
  setSample(id: string, output: unknown): void;
  deleteSelection(): void;
  selectAll(): void;
  selectStep(id: string | null): void;
  moveSelection(dx: number, dy: number): void;
  setPositions(positions: Record<string, XYPosition>, options?: { record?: boolean }): void;
  copy(): void;
  paste(): void;
  undo(): void;
  redo(): void;
  setHighlight(highlight: Highlight | null): void;
  setDiff(diff: Record<string, DiffChange> | null): void;
  setAnalytics(analytics: AnalyticsOverlay | null): void;
  setServerProblems(problems: JourneyProblem[]): void;
}

export type EditorStore = ReturnType<typeof createEditorStore>;

/** Checks a definition: the journey model in place (the default), or off the main thread (see worker-validator.ts). */
export type Validator = (definition: JourneyDefinition, plugins: NodePluginInfo[]) => JourneyProblem[] | Promise<JourneyProblem[]>;

const inPlace: Validator = (definition, plugins) => validateJourney(definition, { plugins }).problems;

const HISTORY_LIMIT = 100;

/** Ids the canvas gives new steps: short and usable in `data.<id>`. */
const ID_BASES: Record<NodeType, string> = {
  trigger: 'start',
  send: 'send',
  delay: 'delay',
  wait_for_event: 'wait',
  branch: 'branch',
  split: 'split',
  fetch: 'fetch',
  ai: 'ai',
  update_profile: 'update',
  webhook: 'webhook',
  exit: 'exit',
};

/** A new step's config: the shape its type needs, with the blanks the user fills in (they show as problems until then). */
export function initialConfig(type: NodeType, plugins: NodePluginInfo[]): Record<string, unknown> | undefined {
  const first = (kind: 'datasource' | 'llm') => plugins.find((p) => p.kind === kind)?.id ?? '';
  switch (type) {
    case 'trigger':
      return { event: '' };
    case 'send':
      return { template: '', channels: ['email'] };
    case 'delay':
      return { seconds: 86_400 };
    case 'wait_for_event':
      return { event: '', timeoutSeconds: 259_200 };
    case 'branch':
      return { branches: [{ port: 'yes', when: true }] };
    case 'split':
      return {
        variants: [
          { port: 'a', weight: 50 },
          { port: 'b', weight: 50 },
        ],
      };
    case 'fetch':
      return { source: first('datasource'), request: { method: 'GET', url: '' }, timeoutMs: 2000 };
    case 'ai':
      return { provider: first('llm'), task: 'generate', prompt: '' };
    case 'update_profile':
      return { set: {} };
    case 'webhook':
      return { url: '', method: 'POST' };
    case 'exit':
      return undefined;
  }
}

function uniqueId(base: string, taken: Set<string>): string {
  const clean =
    base
      .replace(/[^A-Za-z0-9_-]/g, '_')
      .replace(/^[^A-Za-z_]/, '_$&')
      .slice(0, 56) || 'step';
  if (!taken.has(clean)) return clean;
  for (let n = 2; ; n++) if (!taken.has(`${clean}_${n}`)) return `${clean}_${n}`;
}

function byNode(problems: JourneyProblem[]): Record<string, JourneyProblem[]> {
  const grouped: Record<string, JourneyProblem[]> = {};
  for (const problem of problems) if (problem.nodeId) (grouped[problem.nodeId] ??= []).push(problem);
  return grouped;
}

/** Runs `task` once the browser has painted the current frame (soon, outside a browser). */
function afterPaint(task: () => void): void {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => setTimeout(task, 0));
  else setTimeout(task, 0);
}

function structureOf(nodes: CanvasNode[], edges: CanvasEdge[]): EditorState['structure'] {
  return {
    nodes: nodes.flatMap((n) => (isStep(n) ? [n.data.node] : [])),
    edges: edges.map((e) => ({ from: e.source, port: e.sourceHandle ?? 'next', to: e.target })),
  };
}

const EMPTY_META: JourneyMeta = { name: '', samples: {}, extra: {}, uiExtra: {} };

/** One editor's state (nodes, edges, selection, history, problems, highlights), beside its canvas. */
export function createEditorStore(options: { validate?: Validator } = {}) {
  const validate = options.validate ?? inPlace;
  return createStore<EditorState & EditorActions>()((set, get) => {
    let dragStart: Snapshot | null = null;
    let validation = 0;

    const snapshot = (): Snapshot => ({ meta: get().meta, nodes: get().nodes, edges: get().edges });

    const grouped = (problems: JourneyProblem[], nodes: CanvasNode[]) => {
      const ids = new Set(nodes.map((n) => n.id));
      const server = get().serverProblems.filter((p) => !p.nodeId || ids.has(p.nodeId));
      return { problems, problemsByNode: byNode([...problems, ...server]) };
    };

    /**
     * The problems of this state: at once with the in-place validator; with an asynchronous one,
     * nothing now and the answer when it comes, unless a later edit asked again meanwhile.
     */
    const validated = (meta: JourneyMeta, nodes: CanvasNode[], edges: CanvasEdge[]) => {
      const request = ++validation;
      const answer = validate(toDefinition(meta, nodes, edges), get().plugins);
      if (!(answer instanceof Promise)) return grouped(answer, nodes);
      void answer.then((problems) => {
        if (request === validation) set(grouped(problems, get().nodes));
      });
      return {};
    };

    /** Applies an edit: the state before it goes on the undo stack; structural edits are validated. */
    const commit = (next: Partial<Snapshot>, options: { validate?: boolean; before?: Snapshot } = {}) => {
      const state = get();
      if (state.readOnly) return;
      const before = options.before ?? snapshot();
      const meta = next.meta ?? state.meta;
      const nodes = next.nodes ?? state.nodes;
      const edges = next.edges ?? state.edges;
      set({
        meta,
        nodes,
        edges,
        past: [...state.past, before].slice(-HISTORY_LIMIT),
        future: [],
        editVersion: state.editVersion + 1,
        ...(options.validate === false
          ? {}
          : { ...validated(meta, nodes, edges), structureVersion: state.structureVersion + 1, structure: structureOf(nodes, edges) }),
      });
    };

    const restore = (target: Snapshot, stacks: { past: Snapshot[]; future: Snapshot[] }) => {
      set({
        ...target,
        ...stacks,
        editVersion: get().editVersion + 1,
        structureVersion: get().structureVersion + 1,
        ...validated(target.meta, target.nodes, target.edges),
      });
    };

    const takenIds = () => new Set(get().nodes.map((n) => n.id));

    return {
      meta: EMPTY_META,
      nodes: [],
      edges: [],
      readOnly: false,
      plugins: [],
      pluginLabels: {},
      catalogue: nodeCatalogue(),
      past: [],
      future: [],
      clipboard: null,
      problems: [],
      serverProblems: [],
      problemsByNode: {},
      editVersion: 0,
      structureVersion: 0,
      structure: { nodes: [], edges: [] },
      documentKey: null,
      highlight: null,
      diff: null,
      analytics: null,
      panelNodeId: null,

      load(definition, options = {}) {
        const document = toCanvas(definition);
        set({
          meta: document.meta,
          nodes: document.nodes,
          edges: document.edges,
          readOnly: options.readOnly ?? false,
          past: [],
          future: [],
          editVersion: 0,
          structureVersion: get().structureVersion + 1,
          structure: structureOf(document.nodes, document.edges),
          documentKey: options.key ?? null,
          panelNodeId: null,
          problems: [],
          problemsByNode: {},
        });
        // The first validation compiles every config schema (hundreds of milliseconds): after the canvas is drawn, not before.
        afterPaint(() => {
          const { meta, nodes, edges } = get();
          set(validated(meta, nodes, edges));
        });
        return document;
      },

      setPlugins(plugins) {
        const { meta, nodes, edges } = get();
        if (JSON.stringify(plugins) === JSON.stringify(get().plugins)) return;
        const pluginLabels = Object.fromEntries(plugins.filter((p) => p.displayName).map((p) => [p.id, p.displayName as string]));
        set({ plugins, pluginLabels, catalogue: nodeCatalogue(plugins) });
        if (nodes.length > 0) set(validated(meta, nodes, edges));
      },

      definition() {
        const { meta, nodes, edges } = get();
        return toDefinition(meta, nodes, edges);
      },

      onNodesChange(changes) {
        const state = get();
        const allowed = state.readOnly ? changes.filter((c) => c.type === 'select' || c.type === 'dimensions') : changes;
        if (allowed.length === 0) return;
        const removing = allowed.filter((c) => c.type === 'remove').map((c) => c.id);
        if (removing.length > 0) {
          const gone = new Set(removing);
          const nodes = applyNodeChanges(allowed, state.nodes);
          commit({ nodes, edges: state.edges.filter((e) => !gone.has(e.source) && !gone.has(e.target)) });
          if (state.panelNodeId && gone.has(state.panelNodeId)) set({ panelNodeId: null });
          return;
        }
        const moving = allowed.filter((c) => c.type === 'position');
        const resizing = allowed.some((c) => c.type === 'dimensions' && c.resizing !== undefined);
        if (moving.some((c) => c.type === 'position' && c.dragging) && !dragStart) dragStart = snapshot();
        const nodes = applyNodeChanges(allowed, state.nodes);
        const dragEnded = moving.some((c) => c.type === 'position' && c.dragging === false);
        const resizeEnded = allowed.some((c) => c.type === 'dimensions' && c.resizing === false);
        if ((dragEnded || resizeEnded) && dragStart) {
          const before = dragStart;
          dragStart = null;
          commit({ nodes }, { validate: false, before });
          return;
        }
        if (resizing && !dragStart) dragStart = snapshot();
        const selection = allowed.filter((c) => c.type === 'select');
        let panelNodeId = state.panelNodeId;
        if (selection.length > 0) {
          const selectedSteps = nodes.filter((n) => n.selected && isStep(n));
          panelNodeId = selectedSteps.length === 1 ? selectedSteps[0].id : selectedSteps.length === 0 ? null : panelNodeId;
        }
        set({ nodes, panelNodeId });
      },

      onEdgesChange(changes) {
        const state = get();
        const allowed = state.readOnly ? changes.filter((c) => c.type === 'select') : changes;
        if (allowed.length === 0) return;
        const edges = applyEdgeChanges(allowed, state.edges);
        if (allowed.some((c) => c.type === 'remove')) commit({ edges });
        else set({ edges });
      },

      connect({ source, sourceHandle, target }) {
        if (!source || !target || source === target) return;
        const port = sourceHandle ?? 'next';
        const edges = [
          ...get().edges.filter((e) => !(e.source === source && (e.sourceHandle ?? 'next') === port)),
          canvasEdge(source, port, target),
        ];
        commit({ edges });
      },

      addStep(type, position, options = {}) {
        const state = get();
        const id = uniqueId(ID_BASES[type], takenIds());
        const config = options.config ?? initialConfig(type, state.plugins);
        const node = (config === undefined ? { id, type } : { id, type, config }) as JourneyNode;
        const step: StepNode = { ...stepNode(node, position), selected: true };
        const nodes = [...state.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), step];
        let edges = state.edges.map((e) => (e.selected ? { ...e, selected: false } : e));
        const on = options.insertOn ? edges.find((e) => e.id === options.insertOn) : undefined;
        if (on) {
          const firstPort = outputPorts(node)[0];
          edges = edges.filter((e) => e.id !== on.id);
          edges.push(canvasEdge(on.source, on.sourceHandle ?? 'next', id));
          if (firstPort) edges.push(canvasEdge(id, firstPort, on.target));
        }
        commit({ nodes, edges });
        set({ panelNodeId: id });
        return id;
      },

      addNote(position, text = '') {
        const id = `${NOTE_PREFIX}${uniqueId(
          'note',
          new Set(
            get()
              .nodes.filter(isNote)
              .map((n) => n.id.slice(NOTE_PREFIX.length)),
          ),
        )}`;
        const note: NoteNode = { id, type: 'note', position, width: NOTE_SIZE.width, height: NOTE_SIZE.height, data: { text } };
        commit({ nodes: [...get().nodes, note] }, { validate: false });
        return id;
      },

      updateStep(id, patch) {
        const nodes = get().nodes.map((n) => {
          if (n.id !== id || !isStep(n)) return n;
          const node = { ...n.data.node } as JourneyNode & { config?: unknown; name?: string };
          if ('config' in patch) {
            if (patch.config === undefined) delete node.config;
            else node.config = patch.config as never;
          }
          if ('name' in patch) {
            if (patch.name) node.name = patch.name;
            else delete node.name;
          }
          return { ...n, data: { node: node as JourneyNode } };
        });
        // Ports may have gone (a branch renamed or removed): edges from ports that no longer exist go too.
        const step = nodes.find((n) => n.id === id);
        const ports = step && isStep(step) ? new Set(outputPorts(step.data.node)) : null;
        const edges = ports ? get().edges.filter((e) => e.source !== id || ports.has(e.sourceHandle ?? 'next')) : get().edges;
        commit({ nodes, edges });
      },

      renameStep(id, newId) {
        if (id === newId) return null;
        if (!NODE_ID_PATTERN.test(newId)) return 'Use letters, digits, _ and -, starting with a letter or _ (at most 64).';
        if (takenIds().has(newId)) return `Another step is already called "${newId}".`;
        const nodes = get().nodes.map((n) =>
          n.id === id && isStep(n) ? { ...n, id: newId, data: { node: { ...n.data.node, id: newId } } } : n,
        );
        const edges = get().edges.map((e) =>
          e.source === id || e.target === id
            ? canvasEdge(e.source === id ? newId : e.source, e.sourceHandle ?? 'next', e.target === id ? newId : e.target)
            : e,
        );
        const { [id]: sample, ...samples } = get().meta.samples;
        const meta = sample === undefined ? get().meta : { ...get().meta, samples: { ...samples, [newId]: sample } };
        commit({ meta, nodes, edges });
        set({ panelNodeId: newId });
        return null;
      },

      updateNote(id, text) {
        commit({ nodes: get().nodes.map((n) => (n.id === id && isNote(n) ? { ...n, data: { text } } : n)) }, { validate: false });
      },

      setMeta(patch) {
        commit({ meta: { ...get().meta, ...patch } });
      },

      setSample(id, output) {
        const meta = get().meta;
        const { [id]: _previous, ...others } = meta.samples;
        const samples = output === undefined ? others : { ...others, [id]: compactSample(output) };
        commit({ meta: { ...meta, samples } }, { validate: false });
      },

      deleteSelection() {
        const state = get();
        const gone = new Set(state.nodes.filter((n) => n.selected).map((n) => n.id));
        const edges = state.edges.filter((e) => !e.selected && !gone.has(e.source) && !gone.has(e.target));
        if (gone.size === 0 && edges.length === state.edges.length) return;
        commit({ nodes: state.nodes.filter((n) => !gone.has(n.id)), edges });
        if (state.panelNodeId && gone.has(state.panelNodeId)) set({ panelNodeId: null });
      },

      selectAll() {
        set({
          nodes: get().nodes.map((n) => ({ ...n, selected: true })),
          edges: get().edges.map((e) => ({ ...e, selected: true })),
          panelNodeId: null,
        });
      },

      selectStep(id) {
        set({
          nodes: get().nodes.map((n) => (n.selected !== (n.id === id) ? { ...n, selected: n.id === id } : n)),
          edges: get().edges.map((e) => (e.selected ? { ...e, selected: false } : e)),
          panelNodeId: id,
        });
      },

      moveSelection(dx, dy) {
        const nodes = get().nodes.map((n) => (n.selected ? { ...n, position: { x: n.position.x + dx, y: n.position.y + dy } } : n));
        commit({ nodes }, { validate: false });
      },

      setPositions(positions, options = {}) {
        const nodes = get().nodes.map((n) => (positions[n.id] ? { ...n, position: positions[n.id] } : n));
        if (options.record === false) set({ nodes, editVersion: get().editVersion + 1 });
        else commit({ nodes }, { validate: false });
      },

      copy() {
        const { nodes, edges } = get();
        const picked = nodes.filter((n) => n.selected);
        const ids = new Set(picked.map((n) => n.id));
        if (picked.length === 0) return;
        set({ clipboard: { nodes: picked, edges: edges.filter((e) => ids.has(e.source) && ids.has(e.target)) } });
      },

      paste() {
        const { clipboard } = get();
        if (!clipboard || get().readOnly) return;
        const taken = takenIds();
        const renamed = new Map<string, string>();
        const pasted: CanvasNode[] = clipboard.nodes.map((n) => {
          const position = { x: n.position.x + 40, y: n.position.y + 40 };
          if (isNote(n)) {
            const id = `${NOTE_PREFIX}${uniqueId(n.id.slice(NOTE_PREFIX.length), new Set([...taken].filter((t) => t.startsWith(NOTE_PREFIX)).map((t) => t.slice(NOTE_PREFIX.length))))}`;
            taken.add(id);
            return { ...n, id, position, selected: true };
          }
          const id = uniqueId(n.id, taken);
          taken.add(id);
          renamed.set(n.id, id);
          return { ...(n as StepNode), id, position, selected: true, data: { node: { ...(n as StepNode).data.node, id } } };
        });
        const edges = clipboard.edges.map((e) => ({
          ...canvasEdge(renamed.get(e.source)!, e.sourceHandle ?? 'next', renamed.get(e.target)!),
          selected: true,
        }));
        commit({
          nodes: [...get().nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), ...pasted],
          edges: [...get().edges.map((e) => (e.selected ? { ...e, selected: false } : e)), ...edges],
        });
        // The next paste lands beside this one.
        set({
          clipboard: {
            nodes: pasted.map((n) => ({ ...n, selected: false })),
            edges: clipboard.edges.map((e) => ({ ...e, source: renamed.get(e.source)!, target: renamed.get(e.target)! })),
          },
        });
      },

      undo() {
        const { past, future, readOnly } = get();
        if (readOnly || past.length === 0) return;
        restore(past[past.length - 1], { past: past.slice(0, -1), future: [snapshot(), ...future] });
      },

      redo() {
        const { past, future, readOnly } = get();
        if (readOnly || future.length === 0) return;
        restore(future[0], { past: [...past, snapshot()], future: future.slice(1) });
      },

      setHighlight(highlight) {
        set({ highlight });
      },

      setDiff(diff) {
        set({ diff });
      },

      setAnalytics(analytics) {
        set({ analytics });
      },

      setServerProblems(serverProblems) {
        const { problems, nodes } = get();
        const ids = new Set(nodes.map((n) => n.id));
        // The journey model's problems are current; only the server's part changes.
        set({ serverProblems, problemsByNode: byNode([...problems, ...serverProblems.filter((p) => !p.nodeId || ids.has(p.nodeId))]) });
      },
    };
  });
}
