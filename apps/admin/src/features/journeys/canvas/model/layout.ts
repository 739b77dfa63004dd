import ELK, { type ElkNode } from 'elkjs/lib/elk.bundled.js';
import { outputPorts } from '@itinera/journey-model';
import { type CanvasEdge, type CanvasNode, isStep, TARGET_HANDLE } from './mapping';

export const STEP_SIZE = { width: 260, height: 110 };

const elk = new ELK();

/**
 * Positions for the steps from ELK's layered algorithm, top to bottom, with each output port a
 * fixed-order port on the node's bottom side so that branches fan out in port order. Notes keep
 * their place. Measured sizes are used where React Flow has them.
 */
export async function layoutSteps(nodes: CanvasNode[], edges: CanvasEdge[]): Promise<Record<string, { x: number; y: number }>> {
  const steps = nodes.filter(isStep);
  const ids = new Set(steps.map((step) => step.id));
  const graph: ElkNode = {
    id: 'journey',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.layered.spacing.nodeNodeBetweenLayers': '70',
      'elk.spacing.nodeNode': '50',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.layered.crossingMinimization.semiInteractive': 'true',
      'elk.portConstraints': 'FIXED_ORDER',
    },
    children: steps.map((step) => {
      const ports = outputPorts(step.data.node);
      return {
        id: step.id,
        width: step.measured?.width ?? STEP_SIZE.width,
        height: step.measured?.height ?? STEP_SIZE.height,
        layoutOptions: { 'elk.portConstraints': 'FIXED_ORDER' },
        ports: [
          { id: `${step.id}::${TARGET_HANDLE}`, layoutOptions: { 'elk.port.side': 'NORTH' } },
          ...ports.map((port, index) => ({
            id: `${step.id}::${port}`,
            layoutOptions: { 'elk.port.side': 'SOUTH', 'elk.port.index': String(ports.length - index) },
          })),
        ],
      };
    }),
    edges: edges
      .filter((edge) => ids.has(edge.source) && ids.has(edge.target))
      .map((edge) => ({
        id: edge.id,
        sources: [`${edge.source}::${edge.sourceHandle ?? 'next'}`],
        targets: [`${edge.target}::${TARGET_HANDLE}`],
      })),
  };
  const laidOut = await elk.layout(graph);
  return Object.fromEntries(
    (laidOut.children ?? []).map((child) => [child.id, { x: Math.round(child.x ?? 0), y: Math.round(child.y ?? 0) }]),
  );
}
