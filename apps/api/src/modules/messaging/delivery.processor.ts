import { Processor } from '@nestjs/bullmq';
import { Inject, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../infra/config/app-config.js';
import { ROOT_LOGGER } from '../../infra/logging/logging.module.js';
import { DrainedWorkerHost } from '../../infra/queue/drained-worker-host.js';
import { QUEUES } from '../../infra/queue/queues.js';
import { DeliveryService } from './delivery.service.js';
import { SendRequestsService } from './send-requests.service.js';

interface SendRequestJob {
  workspaceId: string;
  requestId: string;
}

/** How often the worker looks in PostgreSQL for sends whose queue job was lost (Redis flushed, crash). */
const RECONCILE_EVERY_MS = 15_000;

/** Runs `/send` requests through the delivery pipeline, and resumes deferred ones when due. */
@Processor(QUEUES.delivery)
export class DeliveryProcessor extends DrainedWorkerHost implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(AppConfig) config: AppConfig,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(DeliveryService) private readonly delivery: DeliveryService,
    @Inject(SendRequestsService) private readonly requests: SendRequestsService,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {
    super(config);
  }

  override onApplicationBootstrap(): void {
    super.onApplicationBootstrap();
    this.timer = setInterval(
      () => void this.reconcile().catch((err) => this.logger.warn({ err }, 'delivery reconciliation failed')),
      RECONCILE_EVERY_MS,
    );
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async process(job: Job<SendRequestJob>): Promise<unknown> {
    const request = await this.requests.get(job.data.workspaceId, job.data.requestId);
    if (!request || request.status === 'done' || request.status === 'failed') return { skipped: true };
    const { command, profileId } = request.body;
    const outcome = await this.delivery.deliver({
      workspaceId: request.workspace_id,
      profileId,
      templateKey: command.target,
      channels: command.routing?.channels ?? null,
      routing: command.routing?.method ?? 'single',
      topic: command.topic,
      data: command.data,
      idempotencyBase: `send:${request.id}`,
      requestId: request.id,
      urgent: command.tags.includes('urgent'),
      notBefore: command.notBefore ? new Date(command.notBefore) : null,
    });
    const done = outcome.status !== 'deferred';
    await this.dataSource.query(
      `UPDATE send_requests SET outcome = $2, status = $3, completed_at = CASE WHEN $4 THEN now() END WHERE id = $1`,
      [request.id, JSON.stringify(outcome), done ? 'done' : 'accepted', done],
    );
    if (!done && outcome.deferredUntil) {
      const due = new Date(outcome.deferredUntil).getTime();
      await this.requests.enqueue(request.workspace_id, request.id, {
        delayMs: Math.max(0, due - Date.now()),
        jobId: `send-request_${request.id}_${due}`,
      });
    }
    return outcome;
  }

  /**
   * PostgreSQL is the source of truth: requests accepted but not finished a while ago, and
   * deferred messages now due, are queued again. Delivery is idempotent per message, so a
   * request queued twice still sends each message once.
   */
  async reconcile(now = new Date()): Promise<number> {
    const due: Array<{ id: string; workspace_id: string }> = await this.dataSource.query(
      `SELECT r.id, r.workspace_id FROM send_requests r
        WHERE r.status = 'accepted' AND r.created_at < $1::timestamptz - interval '30 seconds'
          AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.request_id = r.id AND m.status = 'deferred' AND m.deferred_until > $1::timestamptz)
        LIMIT 500`,
      [now],
    );
    const bucket = Math.floor(now.getTime() / RECONCILE_EVERY_MS);
    for (const row of due) await this.requests.enqueue(row.workspace_id, row.id, { jobId: `send-request_${row.id}_r${bucket}` });
    if (due.length > 0) this.logger.info({ requeued: due.length }, 'requeued sends found in PostgreSQL');
    return due.length;
  }
}
