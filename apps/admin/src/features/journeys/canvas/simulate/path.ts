import type { Highlight } from '../model/store';

/** The canvas highlight of a path: each step's order and port, and the edges taken between consecutive steps. */
export function pathHighlight(
  source: Highlight['source'],
  steps: Array<{ nodeId: string; port?: string | null; status?: string }>,
): Highlight {
  const highlight: Highlight = { source, steps: {}, edges: {} };
  steps.forEach((step, index) => {
    highlight.steps[step.nodeId] ??= { order: index + 1, port: step.port ?? null, status: step.status ?? 'completed' };
    if (step.port && index + 1 < steps.length) highlight.edges[`${step.nodeId}:${step.port}`] = true;
  });
  return highlight;
}
