import { InjectQueue } from '@nestjs/bullmq';
import { type BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { AppConfig } from '../../infra/config/app-config.js';
import { ROOT_LOGGER } from '../../infra/logging/logging.module.js';
import { QUEUES } from '../../infra/queue/queues.js';
import { RunExecutor } from './run-executor.js';
import { type LeasedRun, RunStore } from './run-store.js';

/** A run inserted leased waits at most this long for a slot here; later, its 15 s lease is too close to its end, and it is queued. */
const LEASE_MARGIN_MS = 10_000;

/**
 * Sets runs moving. In a worker process, the stream consumer advances the runs it has just
 * entered, and the timer poll those whose timers fired, right here — inserted or woken leased,
 * so neither a queue hop nor a lease statement comes before their next step. Those advances and
 * the queue's jobs share
 * ITINERA_WORKER_CONCURRENCY slots: while every slot is busy the consumer waits, and the stream
 * holds what follows. Everything else (a timer that
 * fired in a process shutting down, a resumed wait, a stalled run, a run entered by the API) goes through the `journeys`
 * queue, as does a run whose advance here failed (BullMQ retries it with back-off).
 */
@Injectable()
export class RunLauncher implements BeforeApplicationShutdown {
  private readonly running = new Set<Promise<void>>();
  private readonly waiting: Array<() => void> = [];
  private busy = 0;
  private closing = false;

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(RunExecutor) private readonly executor: RunExecutor,
    @Inject(RunStore) private readonly runs: RunStore,
    @InjectQueue(QUEUES.journeys) private readonly queue: Queue,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  /** Whether runs may be inserted or woken leased now, to be launched here. */
  get advancesHere(): boolean {
    return this.config.runsWorker && !this.closing;
  }

  /**
   * Sets moving runs just inserted or woken: those `leased` to this process are advanced here (see
   * `advanceHere`), the others queued.
   */
  async launch(runs: LeasedRun[], leased: boolean): Promise<void> {
    if (leased) await this.advanceHere(runs);
    else for (const run of runs) await this.enqueue(run.id);
  }

  /** Advances runs leased to this process, each as soon as a slot is free; resolves once every one has started (or been queued). */
  private async advanceHere(runs: LeasedRun[]): Promise<void> {
    const insertedAt = Date.now();
    for (const run of runs) {
      await this.slot();
      if (this.closing || Date.now() - insertedAt > LEASE_MARGIN_MS) {
        this.release();
        await this.runs.releaseLease(run.id).catch(() => undefined); // else its lease only ends in 15 s
        await this.enqueue(run.id);
        continue;
      }
      const advancing: Promise<void> = this.executor
        .advanceLeased(run)
        .catch(() => this.enqueue(run.id)) // logged by the executor; retried with back-off
        .finally(() => {
          this.running.delete(advancing);
          this.release();
        });
      this.running.add(advancing);
    }
  }

  /** Runs a queued job's advance in one of the slots the consumer's advances use too. */
  async withSlot<T>(advance: () => Promise<T>): Promise<T> {
    await this.slot();
    try {
      return await advance();
    } finally {
      this.release();
    }
  }

  /** Queues a run for any worker (advancing is leased and idempotent, so a duplicate job is harmless). */
  async enqueue(runId: string): Promise<void> {
    await this.queue.add('advance', { runId }, { removeOnComplete: true, attempts: 5 }).catch((error: unknown) => {
      this.logger.warn({ err: error, runId }, 'could not queue the run; the reconciler will pick it up');
    });
  }

  /** Like the queue's workers: no new advance starts, and those under way finish before connections close. */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    for (const wake of this.waiting.splice(0)) wake();
    await Promise.allSettled([...this.running]);
  }

  private async slot(): Promise<void> {
    while (this.busy >= this.config.ITINERA_WORKER_CONCURRENCY && !this.closing) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.busy += 1;
  }

  private release(): void {
    this.busy -= 1;
    this.waiting.shift()?.();
  }
}
