import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../infra/config/app-config.js';
import { ROOT_LOGGER } from '../../infra/logging/logging.module.js';

const PURGE_EVERY_MS = 60 * 60 * 1000;
const FIRST_PURGE_MS = 30 * 1000;

/** Drops audit entries older than their workspace's retention, hourly, in the worker role. */
@Injectable()
export class AuditRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private timers: NodeJS.Timeout[] = [];

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.runsWorker) return;
    const purge = () => void this.purge().catch((err) => this.logger.warn({ err }, 'audit retention purge failed'));
    this.timers.push(setTimeout(purge, FIRST_PURGE_MS), setInterval(purge, PURGE_EVERY_MS));
    for (const timer of this.timers) timer.unref();
  }

  onApplicationShutdown(): void {
    for (const timer of this.timers) clearTimeout(timer);
  }

  /** Deletes the entries past retention; the only delete the table's trigger lets through. Returns how many went. */
  async purge(): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      await m.query("SELECT set_config('itinera.audit_purge', 'on', true)");
      const rows: Array<{ n: number }> = await m.query(
        `WITH gone AS (
           DELETE FROM audit_entries a USING workspaces w
            WHERE a.workspace_id = w.id AND a.occurred_at < now() - make_interval(days => w.audit_retention_days)
           RETURNING 1)
         SELECT count(*)::int AS n FROM gone`,
      );
      return rows[0].n;
    });
  }
}
