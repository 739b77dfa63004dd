import {
  conditionVariables,
  contextValue,
  evaluateCondition,
  type JourneyDefinition,
  type JourneyNode,
  nextNode,
  nodeById,
  triggerOf,
} from '@itinera/journey-model';
import { Inject, Injectable } from '@nestjs/common';
import { UnprocessableError } from '../../../infra/http/errors.js';
import { DeliveryService, type PlannedChannel, type DeliveryPlan } from '../../messaging/delivery/delivery.service.js';
import { type ProfileView, ProfileViews, renderProfile, type SampleProfile } from '../../profiles/profile-view.js';
import { TemplateRenderer } from '../../templates/template-renderer.js';
import { LiveNodeEffects } from '../live-node-effects.js';
import { conditionContext, NodeRunner } from '../node-runner.js';
import type { NodeResult, RunState, StoredRunContext } from '../nodes/node-handler.js';
import { SimulatedEffects, type SimulatedSideEffect } from './simulated-effects.js';

export interface SimulationInput {
  /** A stored profile of the workspace… */
  userId?: string;
  /** …or one given inline. */
  profile?: SampleProfile;
  /** The entry event (event triggers); for API triggers its properties are the invocation's data. */
  event?: { name: string; properties?: Record<string, unknown> };
  /** The simulated "now" of the entry. */
  at?: Date;
  /** Per wait_for_event node: whether the awaited event comes (default: the wait times out). */
  waits?: Record<string, 'matched' | 'timeout'>;
  /**
   * Instead of `waits`: the awaited event the profile did between `from` and `until`, if any (a
   * back-test reads it from the stored events); the clock moves to it.
   */
  awaitEvent?: (wait: {
    nodeId: string;
    event: string;
    filter: unknown;
    from: Date;
    until: Date;
  }) => Promise<{ at: Date; event: Record<string, unknown> } | null>;
  /** A stored profile by id (a back-test's), instead of `userId` or `profile`. */
  profileId?: string;
  /** Per fetch or ai node: its output. */
  samples?: Record<string, unknown>;
  /** fetch and ai nodes to call for real. */
  live?: string[];
}

/** A condition as a step saw it: the port it leads to, whether it held, and the values it read. */
export interface SimulatedCondition {
  port: string;
  when: unknown;
  result: boolean;
  values: Record<string, unknown>;
}

export interface SimulatedStep {
  nodeId: string;
  type: string;
  visit: number;
  /** The simulated time the step ran at. */
  at: string;
  input: { config: unknown };
  output: unknown;
  port: string | null;
  conditions?: SimulatedCondition[];
  /** Delays, wait timeouts and deferred sends: when the run would go on. */
  dueAt: string | null;
  /** Send nodes: the routing decision per channel and the rendered content. */
  message: { decision: PlannedChannel[]; rendered: DeliveryPlan['rendered'] } | null;
  /** Webhook nodes: the request that would be sent. */
  webhook?: SimulatedSideEffect['webhook'];
  /** update_profile and ai (persistTrait): the traits that would be written. */
  traits?: Record<string, unknown>;
  /** fetch and ai: the output is a sample, not a real call. */
  sample?: boolean;
}

export interface SimulationResult {
  outcome: { status: 'completed' | 'failed' | 'exited' | 'entry_rejected'; reason: string };
  steps: SimulatedStep[];
}

export interface SimulatedJourney {
  journeyId: string;
  name: string;
  /** 0 for a draft. */
  version: number;
  definition: JourneyDefinition;
}

const MAX_STEPS = 100;
/** A send deferred again and again (caps that defer) is re-planned this many times at its due time. */
const MAX_DEFERRALS = 10;

/**
 * Walks a journey for one profile and event with the real node handlers and the real rendering
 * and delivery rules, but no side effect (see SimulatedEffects): what a run would do, step by
 * step, with each step's input, output, port, the values its conditions saw, the messages it
 * would send and when it would go on. Time is simulated: delays and waits move the clock.
 */
@Injectable()
export class JourneySimulator {
  constructor(
    @Inject(NodeRunner) private readonly nodes: NodeRunner,
    @Inject(DeliveryService) private readonly delivery: DeliveryService,
    @Inject(LiveNodeEffects) private readonly live: LiveNodeEffects,
    @Inject(ProfileViews) private readonly profiles: ProfileViews,
    @Inject(TemplateRenderer) private readonly templates: TemplateRenderer,
  ) {}

  async simulate(workspaceId: string, journey: SimulatedJourney, input: SimulationInput): Promise<SimulationResult> {
    const { definition } = journey;
    const profile = await this.profileOf(workspaceId, input);
    let clock = input.at ?? new Date();
    const effects = this.effects(workspaceId, profile, input, () => clock);
    const trigger = triggerOf(definition);
    if (!trigger) throw new UnprocessableError('The journey has no trigger node');
    const event = this.entryEvent(trigger.config, input, clock);
    const entryContext = { profile: renderProfile(profile), event: event ?? {}, data: {}, run: {} };
    const steps: SimulatedStep[] = [];
    const entryCondition =
      'event' in trigger.config ? trigger.config.filter : 'segment' in trigger.config ? trigger.config.segment : undefined;
    const conditions = entryCondition === undefined ? undefined : [describeCondition('next', entryCondition, entryContext)];
    const entered = conditions?.[0].result ?? true;
    steps.push({
      ...stepBase(trigger, 1, clock),
      output: entered ? { event: event ?? null, data: {} } : null,
      port: entered ? 'next' : null,
      conditions,
    });
    if (!entered)
      return {
        outcome: { status: 'entry_rejected', reason: `the trigger's ${'segment' in trigger.config ? 'segment' : 'filter'} does not hold` },
        steps,
      };

    const context: StoredRunContext = {
      event: event as Record<string, unknown> | undefined,
      data: 'api' in trigger.config ? { ...(input.event?.properties ?? {}) } : {},
      run: {
        id: 'simulation',
        journeyId: journey.journeyId,
        journeyName: journey.name,
        version: journey.version,
        enteredAt: clock.toISOString(),
      },
      visits: {},
    };
    const run: RunState = {
      id: 'simulation',
      workspaceId,
      journeyId: journey.journeyId,
      version: journey.version,
      profileId: profile.id,
      context,
    };
    const execute = (node: JourneyNode, visit: number, attempt: 'first' | 'resumed') =>
      this.nodes.run(definition, node, visit, run, attempt, { effects, now: clock, profile: async () => profile });

    let current = nextNode(definition, trigger.id);
    if (!current) return { outcome: { status: 'completed', reason: 'the trigger is not connected' }, steps };
    while (steps.length < MAX_STEPS) {
      const node = nodeById(definition, current);
      if (!node) return { outcome: { status: 'failed', reason: `node ${current} is not in the journey` }, steps };
      const visit = context.visits[node.id] ?? 1;
      const startedAt = clock;
      effects.node = node.id;
      effects.effect = {};
      let result: NodeResult = await execute(node, visit, 'first');
      let dueAt: Date | null = null;
      for (let deferrals = 0; result.kind === 'wait' && deferrals < MAX_DEFERRALS; deferrals += 1) {
        if (node.type === 'wait_for_event' && input.waits?.[node.id] === 'matched') {
          result = { kind: 'next', port: 'matched', output: { matched: true, simulated: true } };
          break;
        }
        if (node.type === 'wait_for_event' && input.awaitEvent && result.until) {
          const found = await input.awaitEvent({
            nodeId: node.id,
            event: node.config.event,
            filter: node.config.filter,
            from: clock,
            until: result.until,
          });
          if (found) {
            clock = found.at;
            result = { kind: 'next', port: 'matched', output: { matched: true, event: found.event } };
            break;
          }
        }
        if (result.until) {
          dueAt = result.until;
          if (result.until > clock) clock = result.until;
        }
        result = await execute(node, visit, 'resumed');
      }
      const step: Omit<SimulatedStep, 'output' | 'port'> = {
        ...stepBase(node, visit, startedAt),
        dueAt: dueAt?.toISOString() ?? null,
        ...sideEffects(effects.effect),
      };
      if (node.type === 'branch') {
        const ctx = conditionContext(run, profile);
        step.conditions = node.config.branches.map((branch) => describeCondition(branch.port, branch.when, ctx));
      }
      if (result.kind === 'wait') {
        steps.push({ ...step, output: result.output ?? null, port: null });
        return { outcome: { status: 'failed', reason: `${node.id} is still waiting after ${MAX_DEFERRALS} attempts` }, steps };
      }
      if (result.kind === 'end') {
        steps.push({ ...step, output: null, port: null });
        return { outcome: { status: result.status, reason: result.reason }, steps };
      }
      steps.push({ ...step, output: result.output ?? null, port: result.port });
      context.visits = { ...context.visits, [node.id]: visit + 1 };
      if (this.nodes.keepsOutput(node)) context.data = { ...context.data, [node.id]: result.output };
      const next = nextNode(definition, node.id, result.port);
      if (!next) return { outcome: { status: 'completed', reason: `port "${result.port}" of ${node.id} is not connected` }, steps };
      current = next;
    }
    return { outcome: { status: 'failed', reason: `stopped after ${MAX_STEPS} steps: does the journey loop without waiting?` }, steps };
  }

  /** "Run this step": one fetch or ai node, really called, with no other side effect. */
  async runStep(
    workspaceId: string,
    journey: SimulatedJourney,
    nodeId: string,
    input: SimulationInput & { data?: Record<string, unknown> },
  ) {
    const node = nodeById(journey.definition, nodeId);
    if (!node) throw new UnprocessableError(`The journey has no node "${nodeId}"`);
    if (node.type !== 'fetch' && node.type !== 'ai')
      throw new UnprocessableError(`Only fetch and ai nodes can be run on their own; "${nodeId}" is a ${node.type} node`);
    const profile = await this.profileOf(workspaceId, input);
    const now = input.at ?? new Date();
    const effects = this.effects(workspaceId, profile, { ...input, live: [nodeId] }, () => now);
    effects.node = nodeId;
    const run: RunState = {
      id: 'simulation',
      workspaceId,
      journeyId: journey.journeyId,
      version: journey.version,
      profileId: profile.id,
      context: {
        event: input.event
          ? { name: input.event.name, type: 'track', properties: input.event.properties ?? {}, timestamp: now.toISOString() }
          : undefined,
        data: input.data ?? {},
        run: {
          id: 'simulation',
          journeyId: journey.journeyId,
          journeyName: journey.name,
          version: journey.version,
          enteredAt: now.toISOString(),
        },
        visits: {},
      },
    };
    const result = await this.nodes.run(journey.definition, node, 1, run, 'first', { effects, now, profile: async () => profile });
    return result.kind === 'next' ? { port: result.port, output: result.output ?? null } : { port: null, output: null };
  }

  private effects(workspaceId: string, profile: ProfileView, input: SimulationInput, now: () => Date): SimulatedEffects {
    return new SimulatedEffects(
      this.delivery,
      this.live,
      profile,
      { samples: input.samples ?? {}, live: new Set(input.live ?? []) },
      now,
      (key) =>
        this.templates.channels(workspaceId, key, 'published').then(
          (channels) => (channels.length > 0 ? 'published' : 'draft'),
          () => 'draft',
        ),
    );
  }

  private async profileOf(workspaceId: string, input: SimulationInput): Promise<ProfileView> {
    if (input.profileId) return this.profiles.load(workspaceId, input.profileId);
    if (input.userId) {
      const id = await this.profiles.requireIdOfUser(workspaceId, input.userId);
      return this.profiles.load(workspaceId, id);
    }
    return this.profiles.sample(workspaceId, input.profile ?? {});
  }

  private entryEvent(config: JourneyNode['config'] & object, input: SimulationInput, at: Date): Record<string, unknown> | undefined {
    const timestamp = at.toISOString();
    if ('event' in config) {
      if (!input.event)
        throw new UnprocessableError(`This journey starts when a profile does "${config.event}": give the event to simulate with`);
      if (input.event.name !== config.event) {
        throw new UnprocessableError(
          `The trigger listens for "${config.event}", not "${input.event.name}": simulate with a "${config.event}" event`,
        );
      }
      return { name: input.event.name, type: 'track', properties: input.event.properties ?? {}, traits: {}, context: {}, timestamp };
    }
    if ('api' in config) return { name: 'api_invocation', type: 'invoke', properties: input.event?.properties ?? {}, timestamp };
    return undefined;
  }
}

function stepBase(node: JourneyNode, visit: number, at: Date): Omit<SimulatedStep, 'output' | 'port'> {
  return {
    nodeId: node.id,
    type: node.type,
    visit,
    at: at.toISOString(),
    input: { config: node.config ?? {} },
    dueAt: null,
    message: null,
  };
}

function sideEffects(effect: SimulatedSideEffect): Pick<SimulatedStep, 'message' | 'webhook' | 'traits' | 'sample'> {
  return {
    message: effect.plan ? { decision: effect.plan.channels, rendered: effect.plan.rendered } : null,
    ...(effect.webhook ? { webhook: effect.webhook } : {}),
    ...(effect.traits ? { traits: effect.traits } : {}),
    ...(effect.sample ? { sample: true } : {}),
  };
}

function describeCondition(port: string, when: unknown, context: object): SimulatedCondition {
  const values = Object.fromEntries(conditionVariables(when).map((path) => [path, contextValue(context, path)]));
  return { port, when, result: evaluateCondition(when, context), values };
}
