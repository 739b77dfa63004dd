import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { deliveryLockSql } from './frequency-caps.js';

export const MESSAGE_STATUSES = [
  'queued',
  'deferred',
  'throttled',
  'suppressed',
  'sending',
  'unknown',
  'sent',
  'delivered',
  'opened',
  'clicked',
  'failed',
  'bounced',
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** Statuses after which a send step is done for good: the provider took it, or a rule stopped it. */
export const HANDED_OVER: MessageStatus[] = ['sent', 'delivered', 'opened', 'clicked', 'bounced'];

/** Later lifecycle statuses never go back to earlier ones (a late "delivered" after "opened" is recorded, not applied). */
const RANK: Record<string, number> = { sent: 1, delivered: 2, opened: 3, clicked: 4 };

export interface MessageRow {
  id: string;
  workspace_id: string;
  profile_id: string;
  idempotency_key: string;
  request_id: string | null;
  journey_id: string | null;
  run_id: string | null;
  node_id: string | null;
  template_key: string | null;
  topic: string | null;
  channel: string;
  status: MessageStatus;
  status_reason: string | null;
  provider_message_id: string | null;
  provider_config_id: string | null;
  plugin_id: string | null;
  recipient: string | null;
  deferred_until: Date | null;
  attempts: number;
  created_at: Date;
}

export interface NewMessage {
  workspaceId: string;
  profileId: string;
  idempotencyKey: string;
  requestId?: string | null;
  journeyId?: string | null;
  runId?: string | null;
  nodeId?: string | null;
  templateKey: string | null;
  topic: string | null;
  capExempt: boolean;
  channel: string;
}

/** What identifies a new message, as columns and as the parameters $1–$11 (`identityParams`). */
const IDENTITY_COLUMNS =
  'workspace_id, profile_id, idempotency_key, request_id, journey_id, run_id, node_id, template_key, topic, cap_exempt, channel';
const IDENTITY_VALUES = '$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11';

function identityParams(input: NewMessage): unknown[] {
  return [
    input.workspaceId,
    input.profileId,
    input.idempotencyKey,
    input.requestId ?? null,
    input.journeyId ?? null,
    input.runId ?? null,
    input.nodeId ?? null,
    input.templateKey,
    input.topic,
    input.capExempt,
    input.channel,
  ];
}

const TIMESTAMP_OF: Partial<Record<MessageStatus, string>> = {
  sending: 'sending_at',
  sent: 'sent_at',
  delivered: 'delivered_at',
  opened: 'opened_at',
  clicked: 'clicked_at',
  failed: 'failed_at',
  bounced: 'bounced_at',
};

/** The `messages` table and its timeline (`message_events`). */
@Injectable()
export class MessageStore {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /**
   * The message of an idempotency key, created `queued` when new, locked in `m` either way. One
   * statement: the no-op update of an existing row is what takes its lock and returns it. With
   * `lockProfile`, the profile's delivery lock (see frequency-caps.ts) is taken first, in the same
   * statement: the row is produced only once the lock is held.
   */
  async claim(m: EntityManager, input: NewMessage, options: { lockProfile?: boolean } = {}): Promise<MessageRow> {
    const lock = options.lockProfile ? `FROM (SELECT ${deliveryLockSql('$12::text')}) AS profile_lock` : '';
    const rows: MessageRow[] = await m.query(
      `INSERT INTO messages (${IDENTITY_COLUMNS}, status)
       SELECT ${IDENTITY_VALUES}, 'queued' ${lock}
       ON CONFLICT (workspace_id, idempotency_key) DO UPDATE SET status = messages.status
       RETURNING *`,
      [...identityParams(input), ...(options.lockProfile ? [input.profileId] : [])],
    );
    return rows[0];
  }

  /**
   * A new message of an idempotency key, created straight in `sending` with its recipient and
   * content (and its timeline entry and count), in one statement; undefined when the key has a
   * message already (an earlier attempt: its state decides, through `claim`).
   */
  async claimSending(input: NewMessage, fields: { recipient: string; content: unknown }): Promise<MessageRow | undefined> {
    const at = new Date();
    const rows: MessageRow[] = await this.dataSource.query(
      `WITH changed AS (
         INSERT INTO messages (${IDENTITY_COLUMNS}, status, sending_at, attempts, recipient, content)
         VALUES (${IDENTITY_VALUES}, 'sending', $12, 1, $13, $14)
         ON CONFLICT (workspace_id, idempotency_key) DO NOTHING
         RETURNING *
       ), events AS (
         INSERT INTO message_events (message_id, status, occurred_at, detail) SELECT id, 'sending', $12, '{}' FROM changed
       ), counted AS (${COUNT_MESSAGE('true', "'sending'")})
       SELECT * FROM changed`,
      [...identityParams(input), at, fields.recipient, JSON.stringify(fields.content)],
    );
    return rows[0];
  }

  /** Moves a message to a status, stamping its time and recording the change in its timeline. */
  async transition(
    messageId: string,
    status: MessageStatus,
    fields: {
      reason?: string | null;
      providerMessageId?: string;
      providerConfigId?: string;
      pluginId?: string;
      recipient?: string;
      content?: unknown;
      deferredUntil?: Date | null;
      occurredAt?: Date;
      detail?: Record<string, unknown>;
    } = {},
    m: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    const at = fields.occurredAt ?? new Date();
    const stamp = TIMESTAMP_OF[status];
    const sets = ['status = $2', 'status_reason = $3', 'updated_at = now()'];
    const params: unknown[] = [messageId, status, fields.reason ?? null];
    const set = (column: string, value: unknown) => sets.push(`${column} = $${params.push(value)}`);
    if (stamp) set(stamp, at);
    if (fields.providerMessageId !== undefined) set('provider_message_id', fields.providerMessageId);
    if (fields.providerConfigId !== undefined) set('provider_config_id', fields.providerConfigId);
    if (fields.pluginId !== undefined) set('plugin_id', fields.pluginId);
    if (fields.recipient !== undefined) set('recipient', fields.recipient);
    if (fields.content !== undefined) set('content', JSON.stringify(fields.content));
    if (fields.deferredUntil !== undefined) set('deferred_until', fields.deferredUntil);
    if (status === 'sending') sets.push('attempts = attempts + 1');
    // The status and its timeline entry in one statement (one round trip, one commit).
    const detail = JSON.stringify({ ...(fields.reason ? { reason: fields.reason } : {}), ...fields.detail });
    // A journey's message reaching a status it was not in is counted for the journey's analytics.
    const statusParam = `$${params.push(status)}`;
    await m.query(
      `WITH before AS (SELECT id AS before_id, status AS prior_status FROM messages WHERE id = $1), changed AS (
         UPDATE messages SET ${sets.join(', ')} FROM before WHERE messages.id = before.before_id
         RETURNING messages.id, messages.journey_id, messages.node_id, messages.run_id, before.prior_status AS before_status
       ), events AS (
         INSERT INTO message_events (message_id, status, occurred_at, detail)
         SELECT id, ${statusParam}, $${params.push(at)}, $${params.push(detail)} FROM changed
       )
       ${COUNT_MESSAGE(`c.before_status IS DISTINCT FROM ${statusParam}`, statusParam)}`,
      params,
    );
  }

  /**
   * Applies a provider's or a tracker's report (delivered, opened, clicked, bounced, failed):
   * the time is stamped, and the status moves only forward in the lifecycle.
   */
  async report(messageId: string, status: MessageStatus, occurredAt: Date, detail: Record<string, unknown> = {}): Promise<void> {
    const stamp = TIMESTAMP_OF[status];
    const forward = RANK[status] !== undefined ? `CASE WHEN COALESCE(${rankSql()}, 0) < ${RANK[status]} THEN $2 ELSE status END` : '$2';
    // Counted the first time the message reaches the status (providers repeat their reports).
    await this.dataSource.query(
      `WITH before AS (SELECT id AS before_id, ${stamp ?? 'NULL::timestamptz'} AS prior_stamp, status AS prior_status FROM messages WHERE id = $1), changed AS (
         UPDATE messages SET status = ${forward}, ${stamp ? `${stamp} = COALESCE(${stamp}, $3),` : ''} status_reason = COALESCE($4, status_reason), updated_at = now()
           FROM before WHERE messages.id = before.before_id
         RETURNING messages.id, messages.journey_id, messages.node_id, messages.run_id, before.prior_stamp AS before_stamp, before.prior_status AS before_status
       )
       ${COUNT_MESSAGE(stamp ? 'c.before_stamp IS NULL' : 'c.before_status IS DISTINCT FROM $2', '$2')}`,
      [messageId, status, occurredAt, (detail.reason as string | undefined) ?? null],
    );
    await this.record(messageId, status, occurredAt, detail);
  }

  private async record(
    messageId: string,
    status: string,
    at: Date,
    detail: Record<string, unknown>,
    m: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    await m.query('INSERT INTO message_events (message_id, status, occurred_at, detail) VALUES ($1, $2, $3, $4)', [
      messageId,
      status,
      at,
      JSON.stringify(detail),
    ]);
  }
}

/** The statement's end: counts the `changed` message for its send node when `when` holds (see analytics/stat-deltas.ts). */
const COUNT_MESSAGE = (when: string, status: string) =>
  `INSERT INTO journey_stat_deltas (journey_id, version, metric, node_id, port, n, total)
   SELECT c.journey_id, r.version, 'message', c.node_id, ${status}, 1, 0
     FROM changed c JOIN journey_runs r ON r.id = c.run_id
    WHERE c.journey_id IS NOT NULL AND c.node_id IS NOT NULL AND ${when}`;

function rankSql(): string {
  return `CASE status ${Object.entries(RANK)
    .map(([s, r]) => `WHEN '${s}' THEN ${r}`)
    .join(' ')} END`;
}
