import { evaluateCondition, type JourneyDefinition, nextNode, triggerOf } from '@itinera/journey-model';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { returnedRows } from '../../infra/database/returning.js';
import { ROOT_LOGGER } from '../../infra/logging/logging.module.js';
import { QUEUES } from '../../infra/queue/queues.js';
import { DeliveryService } from '../messaging/delivery.service.js';
import { renderProfile } from '../templates/template-renderer.js';
import type { StreamEntry, StreamedEvent } from '../stream/event-stream.service.js';
import { type ActiveJourney, JourneyDefinitions } from './journey-definitions.js';
import type { RunContext } from './node-runner.js';

export interface TriggerEvent {
  name: string;
  type: string;
  messageId?: string;
  properties: Record<string, unknown>;
  traits?: Record<string, unknown>;
  context?: Record<string, unknown>;
  timestamp: string;
}

type Reentry = 'once' | 'always' | { afterSeconds: number };

interface InFlightRun {
  id: string;
  journey_id: string;
  version: number;
  workspace_id: string;
  status: 'active' | 'waiting';
  waiting_for: string | null;
  wait: { nodeId: string; visit: number; filter: unknown } | null;
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
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(JourneyDefinitions) private readonly definitions: JourneyDefinitions,
    @Inject(DeliveryService) private readonly delivery: DeliveryService,
    @InjectQueue(QUEUES.journeys) private readonly queue: Queue,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  async handle(entry: StreamEntry): Promise<void> {
    if (entry.kind === 'event' && entry.eventId) {
      const event = entry.event ? toTriggerEvent(entry.event) : await this.loadEvent(entry.eventId);
      if (!event) return;
      const inFlight: InFlightRun[] = await this.dataSource.query(
        `SELECT id, journey_id, version, workspace_id, status, waiting_for, wait FROM journey_runs WHERE profile_id = $1 AND status IN ('active', 'waiting')`,
        [entry.profileId],
      );
      if (inFlight.length > 0) {
        await this.exitOnGoal(inFlight, entry.profileId, event);
        await this.resumeWaiting(
          inFlight.filter((r) => r.status === 'waiting' && r.waiting_for === event.name),
          entry.profileId,
          event,
        );
      }
      for (const journey of await this.definitions.activeIn(entry.workspaceId)) {
        const trigger = triggerOf(journey.definition);
        const config = (trigger?.config ?? {}) as { event?: string; filter?: unknown };
        if (config.event !== event.name) continue;
        if (config.filter && !(await this.matches(config.filter, entry.workspaceId, entry.profileId, event))) continue;
        await this.enter(entry.workspaceId, journey, entry.profileId, event, {}, `event:${entry.eventId}`);
      }
    } else if (entry.kind === 'profile_updated' || entry.kind === 'profile_merged') {
      for (const journey of await this.definitions.activeIn(entry.workspaceId)) {
        const segment = (triggerOf(journey.definition)?.config as { segment?: unknown } | undefined)?.segment;
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
    const context: RunContext = {
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
    // The run and its trigger step in one statement; a profile already in the journey, or kept
    // out by the re-entry rule ($13: once / after $14 seconds / always), inserts neither.
    const inserted: Array<{ id: string }> = await this.dataSource.query(
      `WITH run AS (
         INSERT INTO journey_runs (id, workspace_id, journey_id, version, profile_id, status, current_node, context, entry_key)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9
          WHERE $13::text = 'always' OR NOT EXISTS (
            SELECT 1 FROM journey_runs r WHERE r.journey_id = $3 AND r.profile_id = $5
               AND ($13 = 'once' OR r.entered_at > now() - make_interval(secs => $14)))
         ON CONFLICT DO NOTHING RETURNING id
       ), step AS (
         INSERT INTO journey_steps (run_id, node_id, visit, node_type, status, input, output, port, finished_at)
         SELECT id, $10, 1, 'trigger', 'completed', $11, $12, 'next', now() FROM run
       )
       SELECT id FROM run`,
      [
        runId,
        workspaceId,
        journey.journeyId,
        journey.version,
        profileId,
        first ? 'active' : 'completed',
        first,
        JSON.stringify(context),
        entryKey,
        trigger.id,
        JSON.stringify({ config: trigger.config ?? {} }),
        JSON.stringify({ event: event ?? null, data }),
        typeof reentry === 'string' ? reentry : 'after',
        typeof reentry === 'string' ? 0 : reentry.afterSeconds,
      ],
    );
    if (inserted.length === 0) return null;
    if (first) await this.schedule(runId);
    else
      await this.dataSource.query(`UPDATE journey_runs SET ended_at = now(), end_reason = 'the trigger is not connected' WHERE id = $1`, [
        runId,
      ]);
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
      await this.dataSource.transaction(async (m) => {
        await m.query(
          `UPDATE journey_runs SET status = 'exited', end_reason = $2, ended_at = now(), waiting_for = NULL, wait = NULL, updated_at = now()
            WHERE id = $1 AND status IN ('active', 'waiting')`,
          [run.id, `goal event ${event.name}`],
        );
        await m.query('UPDATE journey_timers SET fired_at = now() WHERE run_id = $1 AND fired_at IS NULL', [run.id]);
      });
    }
  }

  private async resumeWaiting(runs: InFlightRun[], profileId: string, event: TriggerEvent): Promise<void> {
    for (const run of runs) {
      const wait = run.wait;
      if (!wait) continue;
      if (wait.filter && !(await this.matches(wait.filter, run.workspace_id, profileId, event))) continue;
      const resumed = await this.dataSource.transaction(async (m) => {
        const changed = returnedRows(
          await m.query(
            `UPDATE journey_runs SET status = 'active', waiting_for = NULL, wait = NULL, updated_at = now()
            WHERE id = $1 AND status = 'waiting' AND current_node = $2 RETURNING id`,
            [run.id, wait.nodeId],
          ),
        );
        if (changed.length === 0) return false;
        await m.query(
          `UPDATE journey_steps SET status = 'completed', port = 'matched', output = $4, finished_at = now() WHERE run_id = $1 AND node_id = $2 AND visit = $3`,
          [run.id, wait.nodeId, wait.visit, JSON.stringify({ matched: true, event })],
        );
        await m.query('UPDATE journey_timers SET fired_at = now() WHERE run_id = $1 AND node_id = $2 AND visit = $3 AND fired_at IS NULL', [
          run.id,
          wait.nodeId,
          wait.visit,
        ]);
        return true;
      });
      if (resumed) await this.schedule(run.id);
    }
  }

  private async matches(condition: unknown, workspaceId: string, profileId: string, event: TriggerEvent | undefined): Promise<boolean> {
    const profile = await this.delivery.loadProfile(workspaceId, profileId).catch(() => undefined);
    if (!profile) return false;
    return evaluateCondition(condition as never, {
      profile: renderProfile(profile),
      event: event ?? {},
      data: {},
      run: {},
    });
  }

  private async loadEvent(eventId: string): Promise<TriggerEvent | undefined> {
    const rows = await this.dataSource.query(
      'SELECT type, event, name, message_id, properties, traits, context, timestamp FROM events WHERE id = $1',
      [eventId],
    );
    return rows.length === 0 ? undefined : toTriggerEvent({ ...rows[0], messageId: rows[0].message_id });
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

export type { JourneyDefinition };
