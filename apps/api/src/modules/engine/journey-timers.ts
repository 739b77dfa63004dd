import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '../../infra/logging/logging.module.js';
import { RunLauncher } from './run-launcher.js';
import { RunStore } from './run-store.js';

const TIMER_POLL_MS = 200;
const RECONCILE_MS = 10_000;
const FIRE_BATCH = 500;

/**
 * Timers live in PostgreSQL (`journey_timers`), not in Redis: a million waiting runs cost rows,
 * not queue memory, and nothing is lost if Redis is flushed. Every worker polls for due timers
 * (SKIP LOCKED spreads them), fires each once and reactivates its run, leased to this worker,
 * which advances it at once (RunLauncher). A reconciler re-queues
 * runs that are active but not moving (their job was lost with Redis, or a worker died).
 */
@Injectable()
export class JourneyTimers implements OnApplicationBootstrap, OnApplicationShutdown {
  private timers: NodeJS.Timeout[] = [];
  private firing = false;
  private stopping = false;

  constructor(
    @Inject(RunStore) private readonly runs: RunStore,
    @Inject(RunLauncher) private readonly launcher: RunLauncher,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timers.push(setInterval(() => void this.fireDue().catch((err) => this.logger.warn({ err }, 'timer poll failed')), TIMER_POLL_MS));
    this.timers.push(
      setInterval(() => void this.reconcile().catch((err) => this.logger.warn({ err }, 'run reconciliation failed')), RECONCILE_MS),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.timers.forEach(clearInterval);
    while (this.firing) await new Promise((r) => setTimeout(r, 20));
  }

  /** Fires due timers; returns how many runs were woken. */
  async fireDue(): Promise<number> {
    if (this.firing || this.stopping) return 0;
    this.firing = true;
    try {
      let woken = 0;
      for (;;) {
        const leased = this.launcher.advancesHere;
        const runs = await this.runs.fireDueTimers(FIRE_BATCH, { leased });
        await this.launcher.launch(runs, leased);
        woken += runs.length;
        if (runs.length < FIRE_BATCH) return woken;
      }
    } finally {
      this.firing = false;
    }
  }

  /** Active runs nobody is moving: queued again (advancing is idempotent and leased). */
  async reconcile(): Promise<number> {
    const stuck = await this.runs.stalled(1000);
    for (const runId of stuck) await this.launcher.enqueue(runId);
    if (stuck.length > 0) this.logger.info({ requeued: stuck.length }, 'requeued stalled journey runs');
    return stuck.length;
  }
}
