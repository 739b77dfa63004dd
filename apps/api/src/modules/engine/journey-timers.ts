import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { returnedRows } from '../../infra/database/returning.js';
import { ROOT_LOGGER } from '../../infra/logging/logging.module.js';
import { JourneyEntryService } from './journey-entry.service.js';

const TIMER_POLL_MS = 200;
const RECONCILE_MS = 10_000;
/** A timer's due time while it has not fired, the key of `journey_timers_pending_idx`. */
const PENDING_DUE_AT = '(CASE WHEN fired_at IS NULL THEN due_at END)';

/**
 * Timers live in PostgreSQL (`journey_timers`), not in Redis: a million waiting runs cost rows,
 * not queue memory, and nothing is lost if Redis is flushed. Every worker polls for due timers
 * (SKIP LOCKED spreads them), fires each once and reactivates its run. A reconciler re-queues
 * runs that are active but not moving (their job was lost with Redis, or a worker died).
 */
@Injectable()
export class JourneyTimers implements OnApplicationBootstrap, OnApplicationShutdown {
  private timers: NodeJS.Timeout[] = [];
  private firing = false;
  private stopping = false;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(JourneyEntryService) private readonly entries: JourneyEntryService,
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
        const runs = returnedRows<{ id: string }>(
          await this.dataSource.query(`
          WITH due AS (
            SELECT id FROM journey_timers WHERE ${PENDING_DUE_AT} <= now() ORDER BY ${PENDING_DUE_AT} LIMIT 500 FOR UPDATE SKIP LOCKED
          ), fired AS (
            UPDATE journey_timers t SET fired_at = now() FROM due WHERE t.id = due.id RETURNING t.run_id, t.node_id
          )
          UPDATE journey_runs r SET status = 'active', waiting_for = NULL, wait = NULL, updated_at = now()
            FROM fired WHERE r.id = fired.run_id AND r.status = 'waiting' AND r.current_node = fired.node_id
          RETURNING r.id`),
        );
        for (const run of runs) await this.entries.schedule(run.id);
        woken += runs.length;
        if (runs.length < 500) return woken;
      }
    } finally {
      this.firing = false;
    }
  }

  /** Active runs nobody is moving: queued again (advancing is idempotent and leased). */
  async reconcile(): Promise<number> {
    const stuck: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM journey_runs WHERE (CASE WHEN status = 'active' THEN updated_at END) < now() - interval '15 seconds'
          AND (lease_until IS NULL OR lease_until < now()) LIMIT 1000`,
    );
    for (const run of stuck) await this.entries.schedule(run.id);
    if (stuck.length > 0) this.logger.info({ requeued: stuck.length }, 'requeued stalled journey runs');
    return stuck.length;
  }
}
