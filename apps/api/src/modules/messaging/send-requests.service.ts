import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { ROOT_LOGGER } from '../../infra/logging/logging.module.js';
import { ConflictError, NotFoundError, UnprocessableError, ValidationError } from '../../infra/http/errors.js';
import { QUEUES } from '../../infra/queue/queues.js';
import {
  JOURNEY_INVOKER,
  type JourneyInvokerPort,
  PREFERENCES,
  type PreferencesPort,
  TEMPLATE_RENDERER,
  type TemplateRendererPort,
} from './delivery-ports.js';
import { bodyHash, parseSendBody, type SendCommand } from './send-body.js';

export const KNOWN_CHANNELS = ['email', 'sms', 'push', 'slack', 'teams', 'inapp', 'webhook'];
const IDEMPOTENCY_WINDOW_MS = 24 * 3_600_000;

export interface SendAnswer {
  status: number;
  body: { requestId: string };
  replayed: boolean;
}

export interface SendRequestRow {
  id: string;
  workspace_id: string;
  status: string;
  kind: 'template' | 'journey';
  target: string;
  user_id: string;
  body: { command: SendCommand & { notBefore: string | null }; profileId: string };
  outcome: unknown;
  created_at: Date;
}

/**
 * `POST /send`: validates a Courier-shaped request, honours Idempotency-Key like Stripe (same key
 * and body within 24 h → the first answer again; another body → 422; still in flight → 409),
 * stores the request and queues its delivery. A rejected request stores and queues nothing.
 */
@Injectable()
export class SendRequestsService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(TEMPLATE_RENDERER) private readonly templates: TemplateRendererPort,
    @Inject(PREFERENCES) private readonly preferences: PreferencesPort,
    @InjectQueue(QUEUES.delivery) private readonly queue: Queue,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
    @Optional() @Inject(JOURNEY_INVOKER) private readonly journeys?: JourneyInvokerPort,
  ) {}

  async accept(workspaceId: string, body: unknown, idempotencyKey: string | undefined): Promise<SendAnswer> {
    if (idempotencyKey !== undefined && (idempotencyKey.length === 0 || idempotencyKey.length > 255)) {
      throw new ValidationError('Idempotency-Key must be 1-255 characters', [
        { field: 'Idempotency-Key', messages: ['must be 1-255 characters'] },
      ]);
    }
    const hash = bodyHash(body);
    if (idempotencyKey) {
      const replay = await this.replay(workspaceId, idempotencyKey, hash);
      if (replay) return replay;
    }
    const parsed = parseSendBody(body);
    if (!parsed.ok) {
      throw new ValidationError(
        `Invalid send request: ${parsed.errors.map((e) => `${e.field} ${e.messages.join(', ')}`).join('; ')}`,
        parsed.errors,
      );
    }
    const command = parsed.command;

    // Claim the key first, so a concurrent retry sees "in flight" (409) rather than sending twice.
    const [claimed]: Array<{ id: string }> = await this.dataSource.query(
      `INSERT INTO send_requests (workspace_id, idempotency_key, body_hash, status, kind, target, user_id, body)
       VALUES ($1, $2, $3, 'processing', 'template', $4, $5, '{}') ON CONFLICT DO NOTHING RETURNING id`,
      [workspaceId, idempotencyKey ?? null, hash, command.target, command.userId],
    );
    if (!claimed) {
      const replay = await this.replay(workspaceId, idempotencyKey!, hash);
      if (replay) return replay;
      throw new ConflictError('A request with this Idempotency-Key is still being processed; retry shortly');
    }
    try {
      const journeyId = (await this.templates.exists(workspaceId, command.target))
        ? undefined
        : await this.journeys?.findByName(workspaceId, command.target);
      if (journeyId) {
        // A journey: the run starts now; the request id keys its entry, so a replay starts nothing twice.
        const { runId } = await this.journeys!.invoke(workspaceId, journeyId, command.userId, command.data, `send:${claimed.id}`);
        const response = { requestId: claimed.id };
        await this.dataSource.query(
          `UPDATE send_requests SET status = 'done', kind = 'journey', body = $2, response = $3, outcome = $4, completed_at = now() WHERE id = $1`,
          [claimed.id, JSON.stringify({ command }), JSON.stringify(response), JSON.stringify({ runId })],
        );
        return { status: 202, body: response, replayed: false };
      }
      const profileId = await this.validateTargets(workspaceId, command);
      const response = { requestId: claimed.id };
      await this.dataSource.query(`UPDATE send_requests SET status = 'accepted', body = $2, response = $3 WHERE id = $1`, [
        claimed.id,
        JSON.stringify({ command, profileId }),
        JSON.stringify(response),
      ]);
      // The request is stored: if Redis cannot take the job now, the worker's reconciler queues it.
      await this.enqueue(workspaceId, claimed.id).catch((error: unknown) =>
        this.logger.warn({ err: error, requestId: claimed.id }, 'send accepted; queueing deferred to the reconciler'),
      );
      return { status: 202, body: response, replayed: false };
    } catch (error) {
      await this.dataSource.query('DELETE FROM send_requests WHERE id = $1', [claimed.id]);
      throw error;
    }
  }

  async enqueue(workspaceId: string, requestId: string, options: { delayMs?: number; jobId?: string } = {}): Promise<void> {
    await this.queue.add(
      'send-request',
      { workspaceId, requestId },
      { jobId: options.jobId ?? `send-request_${requestId}`, delay: options.delayMs },
    );
  }

  async get(workspaceId: string, requestId: string): Promise<SendRequestRow | undefined> {
    const rows: SendRequestRow[] = await this.dataSource.query('SELECT * FROM send_requests WHERE workspace_id = $1 AND id = $2', [
      workspaceId,
      requestId,
    ]);
    return rows[0];
  }

  private async validateTargets(workspaceId: string, command: SendCommand): Promise<string> {
    const profiles: Array<{ id: string }> = await this.dataSource.query(
      'SELECT id FROM profiles WHERE workspace_id = $1 AND user_id = $2',
      [workspaceId, command.userId],
    );
    if (profiles.length === 0)
      throw new NotFoundError(
        `No profile with userId "${command.userId}": identify the user first (POST /v1/identify or PUT /api/profiles/{userId})`,
      );
    if (!(await this.templates.exists(workspaceId, command.target))) {
      throw new NotFoundError(`No template (or journey) "${command.target}" in this workspace`);
    }
    const channels = await this.templates.channels(workspaceId, command.target, 'published').catch(() => {
      throw new UnprocessableError(`Template "${command.target}" has no published version yet: publish it first`);
    });
    if (channels.length === 0) throw new UnprocessableError(`Template "${command.target}" has no published version yet: publish it first`);
    if (command.topic && !(await this.preferences.topic(workspaceId, command.topic))) {
      throw new NotFoundError(`No topic "${command.topic}" in this workspace (message.preferences.subscription_topic_id)`);
    }
    const unknown = command.routing?.channels.filter((c) => !KNOWN_CHANNELS.includes(c)) ?? [];
    if (unknown.length > 0) {
      throw new ValidationError(`Unknown channel(s) ${unknown.join(', ')}; use ${KNOWN_CHANNELS.join(', ')}`, [
        { field: 'message.routing.channels', messages: [`unknown: ${unknown.join(', ')}`] },
      ]);
    }
    return profiles[0].id;
  }

  private async replay(workspaceId: string, key: string, hash: string): Promise<SendAnswer | undefined> {
    const rows: Array<{ id: string; body_hash: string; status: string; response: { requestId: string } | null; created_at: Date }> =
      await this.dataSource.query(
        'SELECT id, body_hash, status, response, created_at FROM send_requests WHERE workspace_id = $1 AND idempotency_key = $2',
        [workspaceId, key],
      );
    const row = rows[0];
    if (!row) return undefined;
    if (Date.now() - new Date(row.created_at).getTime() > IDEMPOTENCY_WINDOW_MS) {
      await this.dataSource.query('UPDATE send_requests SET idempotency_key = NULL WHERE id = $1', [row.id]);
      return undefined;
    }
    if (row.body_hash !== hash) {
      throw new UnprocessableError('This Idempotency-Key was used with a different request body; use a new key for a new request');
    }
    if (row.status === 'processing' || !row.response)
      throw new ConflictError('A request with this Idempotency-Key is still being processed; retry shortly');
    return { status: 202, body: row.response, replayed: true };
  }
}
