import { evaluateCondition, nextNode, type Reentry, triggerOf } from '@itinera/journey-model';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '../../infra/logging/logging.module.js';
import { QUEUES } from '../../infra/queue/queues.js';
import { ProfileViews, renderProfile } from '../profiles/profile-view.js';
import { EventStream, type StreamEntry, type StreamedEvent } from '../stream/event-stream.service.js';
import { type ActiveJourney, JourneyDefinitions } from './journey-definitions.js';
import type { StoredRunContext } from './nodes/node-handler.js';
import { type InFlightRun, RunStore } from './run-store.js';

export interface TriggerEvent {
  name: string;
  type: string;
  messageId?: string;
  properties: Record<string, unknown>;
  traits?: Record<string, unknown>;
  context?: Record<string, unknown>;
  timestamp: string;
}

/**
 * Reacts to the journey hand-off stream: goal events exit runs wherever they are, awaited events
 * resume waiting runs, and trigger events (or profile changes, for segment entry) start runs —
 * at most one active run per profile per journey (a unique index), under the journey's
 * re-entry rule.
 */
@Injectable()
export class JourneyEntryService {
  constructor(
    @Inject(EventStream) private readonly stream: EventStream,
    @Inject(RunStore) private readonly runs: RunStore,
    @Inject(JourneyDefinitions) private readonly definitions: JourneyDefinitions,
    @Inject(ProfileViews) private readonly profiles: ProfileViews,
    @InjectQueue(QUEUES.journeys) private readonly queue: Queue,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  async handle(entry: StreamEntry): Promise<void> {
    if (entry.kind === 'event' && entry.eventId) {
      const stored = entry.event ?? (await this.stream.event(entry.eventId));
      const event = stored ? toTriggerEvent(stored) : undefined;
      if (!event) return;
      const inFlight = await this.runs.inFlightOf(entry.profileId);
      if (inFlight.length > 0) {
        await this.exitOnGoal(inFlight, entry.profileId, event);
        await this.resumeWaiting(
          inFlight.filter((r) => r.status === 'waiting' && r.waiting_for === event.name),
          entry.profileId,
          event,
        );
      }
      for (const journey of await this.definitions.activeIn(entry.workspaceId)) {
        const config = triggerOf(journey.definition)?.config;
        if (!config || !('event' in config) || config.event !== event.name) continue;
        if (config.filter && !(await this.matches(config.filter, entry.workspaceId, entry.profileId, event))) continue;
        await this.enter(entry.workspaceId, journey, entry.profileId, event, {}, `event:${entry.eventId}`);
      }
    } else if (entry.kind === 'profile_updated' || entry.kind === 'profile_merged') {
      for (const journey of await this.definitions.activeIn(entry.workspaceId)) {
        const config = triggerOf(journey.definition)?.config;
        const segment = config && 'segment' in config ? config.segment : undefined;
        if (!segment || !(await this.matches(segment, entry.workspaceId, entry.profileId, undefined))) continue;
        await this.enter(entry.workspaceId, journey, entry.profileId, undefined, {}, null);
      }
    }
  }

  /** API invocation (and `/send` naming a journey): `data` becomes the entry event's properties. */
  async invoke(
    workspaceId: string,
    journey: ActiveJourney,
    profileId: string,
    data: Record<string, unknown>,
    entryKey: string | null,
  ): Promise<string | null> {
    const event: TriggerEvent = { name: 'api_invocation', type: 'invoke', properties: data, timestamp: new Date().toISOString() };
    return this.enter(workspaceId, journey, profileId, event, data, entryKey);
  }

  /** Starts a run; returns its id, or null when re-entry rules or an active run keep the profile out. */
  async enter(
    workspaceId: string,
    journey: ActiveJourney,
    profileId: string,
    event: TriggerEvent | undefined,
    data: Record<string, unknown>,
    entryKey: string | null,
  ): Promise<string | null> {
    const definition = journey.definition;
    const reentry: Reentry = definition.entry?.reentry ?? 'once';
    const trigger = triggerOf(definition)!;
    const first = nextNode(definition, trigger.id, 'next') ?? null;
    const runId = crypto.randomUUID();
    const context: StoredRunContext = {
      event: event as unknown as Record<string, unknown>,
      data: { ...data },
      run: {
        id: runId,
        journeyId: journey.journeyId,
        journeyName: journey.name,
        version: journey.version,
        enteredAt: new Date().toISOString(),
      },
      visits: {},
    };
    const entered = await this.runs.insertRun({
      id: runId,
      workspaceId,
      journeyId: journey.journeyId,
      version: journey.version,
      profileId,
      firstNode: first,
      context,
      entryKey,
      trigger: { nodeId: trigger.id, input: { config: trigger.config ?? {} }, output: { event: event ?? null, data } },
      reentry,
    });
    if (!entered) return null;
    if (first) await this.schedule(runId);
    return runId;
  }

  async schedule(runId: string): Promise<void> {
    await this.queue.add('advance', { runId }, { removeOnComplete: true, attempts: 5 }).catch((error: unknown) => {
      this.logger.warn({ err: error, runId }, 'could not queue the run; the reconciler will pick it up');
    });
  }

  private async exitOnGoal(runs: InFlightRun[], profileId: string, event: TriggerEvent): Promise<void> {
    for (const run of runs) {
      const definition = await this.definitions.version(run.journey_id, run.version);
      const goal = (definition.exit ?? []).find((e) => e.event === event.name);
      if (!goal) continue;
      if (goal.filter && !(await this.matches(goal.filter, run.workspace_id, profileId, event))) continue;
      await this.runs.stop(run.id, 'exited', `goal event ${event.name}`, event.name);
    }
  }

  private async resumeWaiting(runs: InFlightRun[], profileId: string, event: TriggerEvent): Promise<void> {
    for (const run of runs) {
      const wait = run.wait;
      if (!wait) continue;
      if (wait.filter && !(await this.matches(wait.filter, run.workspace_id, profileId, event))) continue;
      const resumed = await this.runs.resumeMatched({ runId: run.id, nodeId: wait.nodeId, visit: wait.visit }, { matched: true, event });
      if (resumed) await this.schedule(run.id);
    }
  }

  private async matches(condition: unknown, workspaceId: string, profileId: string, event: TriggerEvent | undefined): Promise<boolean> {
    const profile = await this.profiles.load(workspaceId, profileId).catch(() => undefined);
    if (!profile) return false;
    return evaluateCondition(condition as never, {
      profile: renderProfile(profile),
      event: event ?? {},
      data: {},
      run: {},
    });
  }
}

/** A stored event as journeys see it: `name` is the track event's name, else the call type. */
function toTriggerEvent(e: StreamedEvent): TriggerEvent {
  return {
    name: e.type === 'track' ? e.event! : e.type,
    type: e.type,
    messageId: e.messageId,
    properties: e.properties,
    traits: e.traits,
    context: e.context,
    timestamp: new Date(e.timestamp).toISOString(),
  };
}
