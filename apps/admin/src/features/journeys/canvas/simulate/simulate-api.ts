import { type RenderedContentDto, simulationSimulate, type SimulateJourneyDto } from '@itinera/sdk';

// POST /api/journeys/{id}/simulate, through the generated client. The shapes below are the panel's
// reading of the answer (the generated types keep step outputs and conditions as unknown JSON).

export interface SimulateRequest {
  version?: 'draft' | number;
  userId?: string;
  profile?: {
    traits?: Record<string, unknown>;
    email?: string | null;
    phone?: string | null;
    timezone?: string | null;
    locale?: string | null;
  };
  event?: { name: string; properties?: Record<string, unknown> };
  at?: string;
  waits?: Record<string, 'matched' | 'timeout'>;
  samples?: Record<string, unknown>;
  live?: string[];
}

export interface SimulatedCondition {
  port: string;
  when: unknown;
  result: boolean;
  values?: Record<string, unknown>;
}

/** One channel's rendering: `channel` and that channel's content, shaped as a template preview's. */
export type RenderedMessage = RenderedContentDto & { channel: string };

export interface SimulatedStep {
  nodeId: string;
  type: string;
  visit: number;
  input?: unknown;
  output?: unknown;
  port?: string | null;
  conditions?: SimulatedCondition[];
  dueAt?: string | null;
  message?: { decision: Array<{ channel: string; status: string; reason?: string }>; rendered: RenderedMessage[] } | null;
}

export interface SimulateResponse {
  outcome: { status: 'completed' | 'failed' | 'exited' | 'entry_rejected'; reason?: string };
  steps: SimulatedStep[];
}

export async function simulateJourney(journeyId: string, request: SimulateRequest, signal?: AbortSignal): Promise<SimulateResponse> {
  return (await simulationSimulate(journeyId, request as SimulateJourneyDto, { signal })) as unknown as SimulateResponse;
}
