import type { NodeType } from '@itinera/journey-model';
import { Background, BackgroundVariant, Controls, MarkerType, MiniMap, ReactFlow, useReactFlow } from '@xyflow/react';
import { type DragEvent, useCallback, useEffect } from 'react';
import { useEditor, useEditorStore } from './editor-context';
import { JourneyEdge } from './JourneyEdge';
import type { CanvasEdge, CanvasNode } from './model/mapping';
import { NoteNodeView } from './NoteNodeView';
import { PALETTE_MIME } from './Palette';
import { StepNodeView } from './StepNodeView';

const NODE_TYPES = { step: StepNodeView, note: NoteNodeView };
const EDGE_TYPES = { journey: JourneyEdge };
const DEFAULT_EDGE = { type: 'journey', markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 } };
const ARROW_STEP = 10;

const isEditable = (target: EventTarget | null) =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) || Boolean(target.closest('[role="dialog"]')));

const minimapColour = (node: CanvasNode) => (node.type === 'note' ? 'var(--color-note)' : 'var(--color-primary)');

/**
 * The journey on React Flow: steps and notes from the editor store, drag from the palette, connect
 * ports, and the keyboard: Delete, Ctrl+Z / Ctrl+Shift+Z, Ctrl+C / Ctrl+V, Ctrl+A, arrows.
 */
export function Canvas({ onReady, minimap = true }: { onReady?: () => void; minimap?: boolean }) {
  const store = useEditorStore();
  const nodes = useEditor((s) => s.nodes);
  const edges = useEditor((s) => s.edges);
  const readOnly = useEditor((s) => s.readOnly);
  const onNodesChange = useEditor((s) => s.onNodesChange);
  const onEdgesChange = useEditor((s) => s.onEdgesChange);
  const connect = useEditor((s) => s.connect);
  const flow = useReactFlow();

  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (isEditable(event.target)) return;
      const state = store.getState();
      const mod = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      let handled = true;
      if (mod && key === 'z' && event.shiftKey) state.redo();
      else if (mod && key === 'y') state.redo();
      else if (mod && key === 'z') state.undo();
      else if (mod && key === 'c') state.copy();
      else if (mod && key === 'v') state.paste();
      else if (mod && key === 'a') state.selectAll();
      else if (!mod && (event.key === 'Delete' || event.key === 'Backspace')) state.deleteSelection();
      else if (!mod && event.key.startsWith('Arrow') && state.nodes.some((n) => n.selected) && !state.readOnly) {
        const step = event.shiftKey ? ARROW_STEP * 5 : ARROW_STEP;
        const [dx, dy] = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] }[event.key] ?? [0, 0];
        state.moveSelection(dx, dy);
      } else handled = false;
      if (handled) event.preventDefault();
    }
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [store]);

  const onDragOver = useCallback((event: DragEvent) => {
    if (!event.dataTransfer.types.includes(PALETTE_MIME)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const payload = event.dataTransfer.getData(PALETTE_MIME);
      if (!payload) return;
      event.preventDefault();
      const { type, config } = JSON.parse(payload) as { type: NodeType; config?: Record<string, unknown> };
      const position = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      store.getState().addStep(type, { x: position.x - 130, y: position.y - 30 }, config ? { config } : {});
    },
    [flow, store],
  );

  return (
    <div className="canvas" onDragOver={onDragOver} onDrop={onDrop} data-testid="canvas">
      <ReactFlow<CanvasNode, CanvasEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        edgeTypes={EDGE_TYPES}
        defaultEdgeOptions={DEFAULT_EDGE}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={connect}
        onInit={onReady}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={['Control', 'Meta']}
        minZoom={0.1}
        maxZoom={2}
        proOptions={{ hideAttribution: true }}
        onlyRenderVisibleElements
      >
        <Background variant={BackgroundVariant.Dots} gap={18} size={1} />
        {minimap && <MiniMap pannable zoomable nodeColor={minimapColour} ariaLabel="Overview of the journey" />}
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
