import { evaluateCondition, nextNode, type Reentry, triggerOf } from '@itinera/journey-model';
import { Inject, Injectable } from '@nestjs/common';
import { ProfileViews, renderProfile } from '../profiles/profile-view.js';
import { EventStream, type StreamEntry, type StreamedEvent } from '../stream/event-stream.service.js';
import { type ActiveJourney, JourneyDefinitions } from './journey-definitions.js';
import type { StoredRunContext } from './nodes/node-handler.js';
import { RunLauncher } from './run-launcher.js';
import { type InFlightRun, type LeasedRun, type NewRun, RunStore } from './run-store.js';

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
 * re-entry rule. A page of entries costs one look-up of its profiles' runs in flight and one
 * insert of the runs it starts, while each profile's entries keep their order: before an entry of
 * a profile the page has already acted on, what is pending is written and that profile is read again.
 */
@Injectable()
export class JourneyEntryService {
  constructor(
    @Inject(EventStream) private readonly stream: EventStream,
    @Inject(RunStore) private readonly runs: RunStore,
    @Inject(JourneyDefinitions) private readonly definitions: JourneyDefinitions,
    @Inject(ProfileViews) private readonly profiles: ProfileViews,
    @Inject(RunLauncher) private readonly launcher: RunLauncher,
  ) {}

  /** Applies a page of stream entries, in order (at least once: a page applied again changes nothing). */
  async handlePage(page: StreamEntry[]): Promise<void> {
    let inFlight = await this.inFlightOf(page);
    const touched = new Set<string>();
    const pending: NewRun[] = [];
    for (const [i, entry] of page.entries()) {
      if (touched.has(entry.profileId)) {
        await this.start(pending.splice(0));
        // Read again for the rest of the page: this profile has new runs, and others' runs moved while this one waited for a slot.
        inFlight = await this.inFlightOf(page.slice(i));
        touched.clear();
      }
      touched.add(entry.profileId);
      pending.push(...(await this.apply(entry, inFlight.get(entry.profileId) ?? [])));
    }
    await this.start(pending);
  }

  /** The runs in flight of the profiles of these entries' events. */
  private async inFlightOf(entries: StreamEntry[]): Promise<Map<string, InFlightRun[]>> {
    const profiles = [...new Set(entries.filter((e) => e.kind === 'event' && e.eventId).map((e) => e.profileId))];
    return profiles.length > 0 ? this.runs.inFlightOfProfiles(profiles) : new Map();
  }

  /** One entry: goal exits and resumed waits happen now; the runs it starts are returned, to insert. */
  private async apply(entry: StreamEntry, inFlight: InFlightRun[]): Promise<NewRun[]> {
    const starts: NewRun[] = [];
    if (entry.kind === 'event' && entry.eventId) {
      const stored = entry.event ?? (await this.stream.event(entry.eventId));
      const event = stored ? toTriggerEvent(stored) : undefined;
      if (!event) return starts;
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
        starts.push(this.prepare(entry.workspaceId, journey, entry.profileId, event, {}, `event:${entry.eventId}`));
      }
    } else if (entry.kind === 'profile_updated' || entry.kind === 'profile_merged') {
      for (const journey of await this.definitions.activeIn(entry.workspaceId)) {
        const config = triggerOf(journey.definition)?.config;
        const segment = config && 'segment' in config ? config.segment : undefined;
        if (!segment || !(await this.matches(segment, entry.workspaceId, entry.profileId, undefined))) continue;
        starts.push(this.prepare(entry.workspaceId, journey, entry.profileId, undefined, {}, null));
      }
    }
    return starts;
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
    const run = this.prepare(workspaceId, journey, profileId, event, data, entryKey);
    return (await this.start([run])).has(run.id) ? run.id : null;
  }

  /** Inserts the runs and sets those that can move going (here, or through the queue); returns the ids entered. */
  private async start(runs: NewRun[]): Promise<Set<string>> {
    if (runs.length === 0) return new Set();
    const leased = this.launcher.advancesHere;
    const entered = await this.runs.insertRuns(runs, { leased });
    await this.launcher.launch(runs.filter((run) => entered.has(run.id) && run.firstNode).map(leasedRunOf), leased);
    return entered;
  }

  private prepare(
    workspaceId: string,
    journey: ActiveJourney,
    profileId: string,
    event: TriggerEvent | undefined,
    data: Record<string, unknown>,
    entryKey: string | null,
  ): NewRun {
    const definition = journey.definition;
    const reentry: Reentry = definition.entry?.reentry ?? 'once';
    const trigger = triggerOf(definition)!;
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
    return {
      id: runId,
      workspaceId,
      journeyId: journey.journeyId,
      version: journey.version,
      profileId,
      firstNode: nextNode(definition, trigger.id, 'next') ?? null,
      context,
      entryKey,
      trigger: { nodeId: trigger.id, input: { config: trigger.config ?? {} }, output: { event: event ?? null, data } },
      reentry,
    };
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
      if (resumed) await this.launcher.enqueue(run.id);
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

/** A run just inserted leased, as `RunExecutor.advanceLeased` takes it: at its first node, with no step recorded there. */
function leasedRunOf(run: NewRun): LeasedRun {
  return {
    id: run.id,
    workspace_id: run.workspaceId,
    journey_id: run.journeyId,
    version: run.version,
    profile_id: run.profileId,
    status: 'active',
    current_node: run.firstNode,
    context: run.context,
    step_status: null,
    step_port: null,
    step_output: null,
  };
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
