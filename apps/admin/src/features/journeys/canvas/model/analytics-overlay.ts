import type { JourneyAnalyticsDto } from '@itinera/sdk';

/** What the canvas shows on a step when its analytics are on. */
export interface StepCounts {
  entered: number;
  completed: number;
  failed: number;
  waitingNow: number;
}

/** The journey's analytics as the canvas draws them: counts on steps, the share of each port on its edge. */
export interface AnalyticsOverlay {
  steps: Record<string, StepCounts>;
  /** By edge id (`from:port`): how many left by the port and their share of the step's completions. */
  edges: Record<string, { count: number; share: number }>;
  entered: number;
  conversionRate: number;
}

export function analyticsOverlay(analytics: Pick<JourneyAnalyticsDto, 'nodes' | 'entered' | 'conversionRate'>): AnalyticsOverlay {
  const overlay: AnalyticsOverlay = { steps: {}, edges: {}, entered: analytics.entered, conversionRate: analytics.conversionRate };
  for (const node of analytics.nodes) {
    overlay.steps[node.nodeId] = { entered: node.entered, completed: node.completed, failed: node.failed, waitingNow: node.waitingNow };
    for (const port of node.ports) overlay.edges[`${node.nodeId}:${port.port}`] = { count: port.count, share: port.share };
  }
  return overlay;
}

/** "42%" (a share of 0–1), "<1%" for a few, "0%" for none. */
export function percent(share: number): string {
  if (share <= 0) return '0%';
  if (share < 0.01) return '<1%';
  return `${Math.round(share * 100)}%`;
}

/** 1234 → "1.2k", for the small badges on steps. */
export function compactCount(count: number): string {
  if (count < 1000) return String(count);
  if (count < 1_000_000) return `${(count / 1000).toFixed(count < 10_000 ? 1 : 0).replace(/\.0$/, '')}k`;
  return `${(count / 1_000_000).toFixed(1).replace(/\.0$/, '')}M`;
}
