import type { JourneyDefinition, NodeOfType, NodeType } from '@itinera/journey-model';
import type { FetchRequest, FetchResult, LlmRequest, LlmResult, WebhookMessage } from '@itinera/plugin-sdk';
import type { DeliveryOutcome, DeliveryRequest, DirectDeliveryOutcome } from '../../messaging/delivery/delivery.service.js';
import type { ProfileView, RenderProfile } from '../../profiles/profile-view.js';

/**
 * How a step is being executed: `first` when it has just been recorded as started (nothing of it
 * ran before), `retry` when an earlier attempt may have run part of it, `resumed` when the node was
 * waiting and its wait is over (its timer fired).
 */
export type StepAttempt = 'first' | 'retry' | 'resumed';

/** What a run carries from step to step, stored on the run row. */
export interface StoredRunContext {
  /** The event that started the run. */
  event?: Record<string, unknown>;
  /** Outputs of fetch, ai and webhook nodes by node id (`data.<nodeId>`), plus `/send` or invoke data. */
  data: Record<string, unknown>;
  run: { id: string; journeyId: string; journeyName?: string; version: number; enteredAt: string };
  /** How many times each node has been entered (loops through delays visit nodes again). */
  visits: Record<string, number>;
}

export interface RunState {
  id: string;
  workspaceId: string;
  journeyId: string;
  version: number;
  profileId: string;
  context: StoredRunContext;
}

/** What conditions and Liquid strings in node configs see (the journey model's `RunContext`). */
export interface ConditionContext {
  profile: RenderProfile;
  event: Record<string, unknown>;
  data: Record<string, unknown>;
  run: Record<string, unknown>;
}

export type TimerKind = 'delay' | 'wait_timeout' | 'send_retry';

export type NodeResult =
  /** Go on through `port`; `output` is recorded on the step (and kept as `data.<nodeId>` by nodes that keep outputs). */
  | { kind: 'next'; port: string; output?: unknown }
  /** Wait: until a time (a timer of `timer` kind), and/or for an event. */
  | { kind: 'wait'; until?: Date; timer?: TimerKind; waitFor?: { event: string; filter?: unknown }; output?: unknown }
  /** End the run here. */
  | { kind: 'end'; status: 'completed' | 'failed'; reason: string };

/** Budget and key of one plugin call. */
export interface PluginCall {
  idempotencyKey: string;
  timeoutMs: number;
}

/**
 * Every side effect a node may have. The engine executes nodes with the live ones; a simulation
 * replaces them (nothing sent, stored or called unless asked).
 */
export interface NodeEffects {
  /** A send step through the delivery pipeline. */
  deliver(request: DeliveryRequest): Promise<DeliveryOutcome>;
  /** Writes traits to the run's profile. */
  setTraits(run: RunState, traits: Record<string, unknown>): Promise<void>;
  /** A fetch through the named data-source plugin. */
  fetch(run: RunState, source: string, request: FetchRequest, call: PluginCall): Promise<FetchResult>;
  /** A completion from the named LLM plugin. */
  complete(run: RunState, provider: string, request: LlmRequest, call: PluginCall): Promise<LlmResult>;
  /** A signed webhook out, recorded as a message of channel `webhook`. */
  webhook(run: RunState, nodeId: string, message: WebhookMessage, call: PluginCall): Promise<DirectDeliveryOutcome>;
}

/** Renders Liquid strings of node configs (see ConfigRenderer). */
export interface ConfigLiquid {
  string(source: string, context: object): Promise<string>;
  value(value: unknown, context: object): Promise<unknown>;
}

/** One execution of one node: everything a handler may read or do. */
export interface NodeStep<T extends NodeType = NodeType> {
  node: NodeOfType<T>;
  definition: JourneyDefinition;
  run: RunState;
  visit: number;
  attempt: StepAttempt;
  /** `run:<runId>:<nodeId>:<visit>`: keys every side effect of the step, so a retry repeats none. */
  idempotencyKey: string;
  /** The time the step runs at (a simulation may set another). */
  now: Date;
  /** The run's profile, loaded once per step. */
  profile(): Promise<ProfileView>;
  /** `{ profile, event, data, run }` for conditions and Liquid. */
  context(): Promise<ConditionContext>;
  liquid: ConfigLiquid;
  effects: NodeEffects;
}

/** The behaviour of one node type. */
export interface NodeHandler<T extends NodeType = NodeType> {
  readonly type: T;
  /** Whether the node's output is kept in the run's data as `data.<nodeId>`. */
  readonly keepsOutput: boolean;
  /**
   * Whether it acts outside the run (sends, calls, writes): such a step is recorded before the run
   * goes on. Nodes without side effects run in memory, their steps recorded with the next write.
   */
  readonly sideEffect: boolean;
  run(step: NodeStep<T>): Promise<NodeResult>;
}
