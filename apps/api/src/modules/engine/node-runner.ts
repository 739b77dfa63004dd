import type { JourneyDefinition, JourneyNode } from '@itinera/journey-model';
import { Inject, Injectable } from '@nestjs/common';
import { type ProfileView, ProfileViews, renderProfile } from '../profiles/profile-view.js';
import { ConfigRenderer } from './config-renderer.js';
import { LiveNodeEffects } from './live-node-effects.js';
import type { ConditionContext, NodeEffects, NodeResult, NodeStep, RunState, StepAttempt } from './nodes/node-handler.js';
import { nodeHandler } from './nodes/node-registry.js';

/** The idempotency key of a step: every side effect of the step carries it. */
export function stepKey(runId: string, nodeId: string, visit: number): string {
  return `run:${runId}:${nodeId}:${visit}`;
}

/** `{ profile, event, data, run }` of a run, as conditions and Liquid see it. */
export function conditionContext(run: RunState, profile: ProfileView): ConditionContext {
  return { profile: renderProfile(profile), event: run.context.event ?? {}, data: run.context.data, run: run.context.run };
}

export interface RunNodeOptions {
  /** Default: the live ones. */
  effects?: NodeEffects;
  /** Default: now. */
  now?: Date;
  /** Default: the stored profile (a simulation may pass an inline one). */
  profile?: () => Promise<ProfileView>;
}

/** Executes one node of a run through its type's handler; side effects are keyed by run, node and visit. */
@Injectable()
export class NodeRunner {
  constructor(
    @Inject(ProfileViews) private readonly profiles: ProfileViews,
    @Inject(ConfigRenderer) private readonly liquid: ConfigRenderer,
    @Inject(LiveNodeEffects) private readonly live: LiveNodeEffects,
  ) {}

  async run(
    definition: JourneyDefinition,
    node: JourneyNode,
    visit: number,
    run: RunState,
    attempt: StepAttempt,
    options: RunNodeOptions = {},
  ): Promise<NodeResult> {
    const handler = nodeHandler(node.type);
    if (!handler) return { kind: 'end', status: 'failed', reason: `unknown node type ${(node as { type: string }).type}` };
    let loaded: Promise<ProfileView> | undefined;
    const profile = () => (loaded ??= options.profile ? options.profile() : this.profiles.load(run.workspaceId, run.profileId));
    const step: NodeStep = {
      node,
      definition,
      run,
      visit,
      attempt,
      idempotencyKey: stepKey(run.id, node.id, visit),
      now: options.now ?? new Date(),
      profile,
      context: async () => conditionContext(run, await profile()),
      liquid: this.liquid,
      effects: options.effects ?? this.live,
    };
    return (handler as { run(step: NodeStep): Promise<NodeResult> }).run(step);
  }

  /** Whether a node acts outside the run, so that its step is recorded before the run goes on. */
  hasSideEffect(node: JourneyNode): boolean {
    return nodeHandler(node.type)?.sideEffect ?? true;
  }

  /** Whether a node's output is kept as `data.<nodeId>`. */
  keepsOutput(node: JourneyNode): boolean {
    return nodeHandler(node.type)?.keepsOutput ?? false;
  }
}
