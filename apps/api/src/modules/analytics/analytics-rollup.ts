import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../infra/config/app-config.js';
import { ROOT_LOGGER } from '../../infra/logging/logging.module.js';
import { expandedDeltasSql } from './stat-deltas.js';

const ROLLUP_MS = 1000;
const BATCH = 10_000;

/**
 * Folds `journey_stat_deltas` into per-minute `journey_stats` (every second in the worker role): each batch is
 * deleted and added in one transaction, so every delta counts once whatever the crashes; SKIP
 * LOCKED lets several workers fold at once.
 */
@Injectable()
export class AnalyticsRollup implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.runsWorker) return;
    this.timer = setInterval(
      () => void this.rollUp().catch((err) => this.logger.warn({ err }, 'analytics roll-up failed; retrying')),
      ROLLUP_MS,
    );
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Folds what is pending; returns how many rows of deltas it folded. */
  async rollUp(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      let folded = 0;
      for (;;) {
        const rows: Array<{ n: number }> = await this.dataSource.query(
          `WITH taken AS (
             DELETE FROM journey_stat_deltas WHERE id IN (SELECT id FROM journey_stat_deltas ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
             RETURNING *
           ), deltas AS (${expandedDeltasSql('taken')}), added AS (
             INSERT INTO journey_stats (journey_id, version, bucket, metric, node_id, port, n, total)
             SELECT t.journey_id, t.version, date_trunc('minute', t.at), t.metric, t.node_id, t.port, sum(t.n), sum(t.total)
               FROM deltas t WHERE EXISTS (SELECT 1 FROM journeys j WHERE j.id = t.journey_id)
              GROUP BY 1, 2, 3, 4, 5, 6
             ON CONFLICT (journey_id, version, bucket, metric, node_id, port)
             DO UPDATE SET n = journey_stats.n + EXCLUDED.n, total = journey_stats.total + EXCLUDED.total
           )
           SELECT count(*)::int AS n FROM taken`,
        );
        folded += rows[0].n;
        if (rows[0].n < BATCH) return folded;
      }
    } finally {
      this.running = false;
    }
  }
}
