import { evaluateCondition, type JourneyDefinition, type Reentry, triggerOf } from '@itinera/journey-model';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../infra/config/app-config.js';
import { returnedRows } from '../../infra/database/returning.js';
import { ROOT_LOGGER } from '../../infra/logging/logging.module.js';
import { JourneySimulator, type SimulationInput } from '../engine/simulation/journey-simulator.js';
import { EventHistory, type HistoricEvent } from '../profiles/event-history.js';
import { ProfileViews, renderProfile } from '../profiles/profile-view.js';
import { BacktestTally, cutAtGoal, type GoalReached, runEnd } from './backtest-tally.js';
import type { BacktestRow } from './backtests.service.js';

const POLL_MS = 2000;
const PAGE = 200;
/** Progress is recorded every this many events, besides after each page. */
const PROGRESS_EVERY = 50;
/** A running back-test whose worker has not reported for this long is taken over (the worker died). */
const STALE = "interval '60 seconds'";

/**
 * Runs back-tests in the worker role, one at a time per process: the period's trigger events in
 * time order, each through the journey simulator (no message sent, no profile changed, no external
 * call), with waits matched against the profile's stored events, runs cut at the goal events the
 * profile did while they would have been in flight, and the re-entry rule applied across the
 * replay. Progress is written after every page; a cancel is seen at the next page; a worker that
 * dies leaves its back-test to be taken over from the start.
 */
@Injectable()
export class BacktestRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running = false;
  private stopping = false;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(JourneySimulator) private readonly simulator: JourneySimulator,
    @Inject(EventHistory) private readonly history: EventHistory,
    @Inject(ProfileViews) private readonly profiles: ProfileViews,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.runsWorker) return;
    this.timer = setInterval(() => void this.runNext().catch((err) => this.logger.warn({ err }, 'back-test poll failed')), POLL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    while (this.running) await new Promise((r) => setTimeout(r, 50));
  }

  /** Claims and runs the oldest waiting back-test; returns its id, or null when there is none. */
  async runNext(): Promise<string | null> {
    if (this.running || this.stopping) return null;
    this.running = true;
    try {
      const [row] = returnedRows<BacktestRow>(
        await this.dataSource.query(
          `UPDATE journey_backtests SET status = 'running', started_at = COALESCE(started_at, now()), heartbeat_at = now(), progress = '{}'
          WHERE id = (SELECT id FROM journey_backtests
                       WHERE status = 'queued' OR (status = 'running' AND heartbeat_at < now() - ${STALE})
                       ORDER BY created_at FOR UPDATE SKIP LOCKED LIMIT 1)
          RETURNING *`,
        ),
      );
      if (!row) return null;
      try {
        await this.run(row);
      } catch (error) {
        this.logger.error({ err: error, backtestId: row.id }, 'back-test failed');
        await this.dataSource.query(
          `UPDATE journey_backtests SET status = 'failed', error = $2, finished_at = now() WHERE id = $1 AND status = 'running'`,
          [row.id, (error as Error).message],
        );
      }
      return row.id;
    } finally {
      this.running = false;
    }
  }

  private async run(row: BacktestRow): Promise<void> {
    const definition = row.definition;
    const trigger = triggerOf(definition)!;
    const config = trigger.config as { event: string };
    const params = row.params;
    const range = { from: new Date(params.from), to: new Date(params.to) };
    const cohort = params.userIds ? await this.cohort(row.workspace_id, params.userIds) : undefined;
    const eventsTotal = await this.history.count(row.workspace_id, config.event, range, cohort);
    const deadline = Date.now() + params.maxSeconds * 1000;
    const tally = new BacktestTally();
    const templates = templatesOf(definition);
    const lastRun = new Map<string, { enteredAt: Date; endedAt: Date | null }>();
    const journey = { journeyId: row.journey_id, name: definition.name, version: row.version ?? 0, definition };
    let after: { timestamp: Date; id: string } | null = null;
    let read = 0;
    let truncated: string | null = null;
    /** Records how far it got; false once the back-test was cancelled. */
    const report = async () =>
      returnedRows(
        await this.dataSource.query(
          `UPDATE journey_backtests SET progress = $2, heartbeat_at = now() WHERE id = $1 AND status = 'running' RETURNING id`,
          [row.id, JSON.stringify({ eventsRead: read, eventsTotal })],
        ),
      ).length > 0;

    for (;;) {
      const page = await this.history.page(row.workspace_id, config.event, range, after, Math.min(PAGE, params.maxEvents - read), cohort);
      for (const event of page) {
        read += 1;
        tally.read();
        // Progress within a page too (its end reports below): a page of slow replays can take seconds.
        if (read % PROGRESS_EVERY === 0 && event !== page[page.length - 1] && !(await report())) return; // cancelled
        const previous = lastRun.get(event.profileId);
        if (previous && !mayEnter(definition.entry?.reentry ?? 'once', previous, event.timestamp)) {
          tally.keptOutByReentry();
          continue;
        }
        const outcome = await this.replay(row.workspace_id, journey, event, params.samples).catch((error: unknown) => {
          this.logger.debug({ err: error, backtestId: row.id, eventId: event.id }, 'back-test event skipped');
          return null;
        });
        if (!outcome) {
          tally.skip();
          continue;
        }
        tally.add(outcome.result, event.timestamp, outcome.goal, templates);
        if (outcome.result.outcome.status !== 'entry_rejected') {
          lastRun.set(event.profileId, { enteredAt: event.timestamp, endedAt: outcome.goal?.at ?? runEnd(outcome.result) });
        }
      }
      if (page.length > 0) after = { timestamp: page[page.length - 1].timestamp, id: page[page.length - 1].id };
      if (!(await report())) return; // cancelled
      if (read >= params.maxEvents) {
        if (eventsTotal > read) truncated = `stopped after maxEvents (${params.maxEvents}) of ${eventsTotal} trigger events`;
        break;
      }
      if (page.length < PAGE) break;
      if (Date.now() > deadline || this.stopping) {
        truncated = `stopped after maxSeconds (${params.maxSeconds}) with ${read} of ${eventsTotal} trigger events read`;
        break;
      }
    }
    await this.dataSource.query(
      `UPDATE journey_backtests SET status = 'completed', result = $2, progress = $3, finished_at = now() WHERE id = $1 AND status = 'running'`,
      [row.id, JSON.stringify({ ...tally.report(), truncated }), JSON.stringify({ eventsRead: read, eventsTotal })],
    );
  }

  /** One trigger event through the simulator, its waits answered and its run cut by the stored history. */
  private async replay(
    workspaceId: string,
    journey: { journeyId: string; name: string; version: number; definition: JourneyDefinition },
    event: HistoricEvent,
    samples: Record<string, unknown>,
  ) {
    const profile = await this.profiles.load(workspaceId, event.profileId);
    const conditionOf = (candidate: HistoricEvent) => ({
      profile: renderProfile(profile),
      event: { name: candidate.name, type: 'track', properties: candidate.properties, timestamp: candidate.timestamp.toISOString() },
      data: {},
      run: {},
    });
    const firstMatching = async (names: string[], filterOf: (name: string) => unknown, from: Date, until: Date) => {
      for (const candidate of await this.history.ofProfile(event.profileId, names, from, until)) {
        const filter = filterOf(candidate.name);
        if (filter === undefined || filter === null || evaluateCondition(filter, conditionOf(candidate))) return candidate;
      }
      return null;
    };
    const input: SimulationInput = {
      profileId: event.profileId,
      event: { name: event.name, properties: event.properties },
      at: event.timestamp,
      samples,
      awaitEvent: async (wait) => {
        const found = await firstMatching([wait.event], () => wait.filter, wait.from, wait.until);
        return found ? { at: found.timestamp, event: conditionOf(found).event } : null;
      },
    };
    const simulated = await this.simulator.simulate(workspaceId, journey, input);
    const goals = journey.definition.exit ?? [];
    const end = runEnd(simulated);
    if (simulated.outcome.status === 'entry_rejected' || goals.length === 0 || !end) return { result: simulated, goal: null };
    const reached = await firstMatching(
      goals.map((g) => g.event),
      (name) => goals.find((g) => g.event === name)?.filter,
      event.timestamp,
      end,
    );
    if (!reached) return { result: simulated, goal: null };
    const goal: GoalReached = { event: reached.name, at: reached.timestamp };
    return { result: cutAtGoal(simulated, goal), goal };
  }

  private async cohort(workspaceId: string, userIds: string[]): Promise<string[]> {
    const ids = await Promise.all(userIds.map((userId) => this.profiles.idOfUser(workspaceId, userId)));
    return ids.filter((id): id is string => id !== undefined);
  }
}

/** Whether the re-entry rule lets a profile in at `at`, given its previous run in the replay. */
export function mayEnter(reentry: Reentry, previous: { enteredAt: Date; endedAt: Date | null }, at: Date): boolean {
  if (previous.endedAt === null || previous.endedAt > at) return false; // still in the journey
  if (reentry === 'once') return false;
  if (reentry === 'always') return true;
  return at.getTime() - previous.enteredAt.getTime() > reentry.afterSeconds * 1000;
}

/** The template of each send node, for the report. */
function templatesOf(definition: JourneyDefinition): Record<string, string> {
  return Object.fromEntries(definition.nodes.flatMap((node) => (node.type === 'send' ? [[node.id, node.config.template]] : [])));
}
