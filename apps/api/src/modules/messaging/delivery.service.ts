import { type ChannelMessage, isPluginError, type PluginError, toPluginError } from '@itinera/plugin-sdk';
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { NotFoundError } from '../../infra/http/errors.js';
import { ROOT_LOGGER } from '../../infra/logging/logging.module.js';
import { ChannelsService, type ResolvedProvider } from '../plugins/channels.service.js';
import { renderProfile } from '../templates/template-renderer.js';
import { PluginRegistry } from '../plugins/plugin-registry.js';
import {
  DELIVERY_SETTINGS,
  type DeliverySettings,
  type FrequencyCap,
  PREFERENCES,
  type PreferencesPort,
  type RenderedContent,
  type SettingsPort,
  TEMPLATE_RENDERER,
  type TemplateChannel,
  type TemplateRendererPort,
  type TopicInfo,
} from './delivery-ports.js';
import { checkFrequencyCaps, lockProfileForDelivery } from './frequency-caps.js';
import { InboxPublisher } from './inbox-publisher.js';
import { HANDED_OVER, type MessageRow, MessageStore } from './message-store.js';
import { TrackingLinks } from './tracking-links.js';

/** One send step: a template to a profile, routed over channels under the delivery rules. */
export interface DeliveryRequest {
  workspaceId: string;
  profileId: string;
  templateKey: string;
  templateVersion?: 'published' | 'draft' | number;
  /** Channels in routing order; null: the template's channels. */
  channels: string[] | null;
  routing: 'single' | 'all';
  topic: string | null;
  data: Record<string, unknown>;
  event?: Record<string, unknown>;
  run?: Record<string, unknown>;
  /** Base of each message's idempotency key: `send:<requestId>` or `run:<runId>:<nodeId>:<visit>`. */
  idempotencyBase: string;
  /** No message of this base can exist yet (a journey step's first attempt): earlier attempts are not looked up. */
  fresh?: boolean;
  requestId?: string;
  journey?: { journeyId: string; runId: string; nodeId: string; caps?: FrequencyCap[] };
  /** Skips quiet hours (also tag "urgent" on /send, or a topic that bypasses them). */
  urgent?: boolean;
  notBefore?: Date | null;
}

export interface ChannelOutcome {
  channel: string;
  status: 'sent' | 'failed' | 'suppressed' | 'throttled' | 'deferred' | 'skipped';
  reason?: string;
  messageId?: string;
  deferredUntil?: string;
}

export interface DeliveryOutcome {
  /** sent: at least one channel handed over; deferred: waiting (quiet hours, caps, delay); otherwise why nothing went. */
  status: 'sent' | 'deferred' | 'failed' | 'suppressed' | 'throttled' | 'skipped';
  channels: ChannelOutcome[];
  deferredUntil?: string;
}

export interface DeliveryProfile {
  id: string;
  userId: string | null;
  email: string | null;
  phone: string | null;
  timezone: string | null;
  locale: string | null;
  traits: Record<string, unknown>;
  account: { groupId: string; traits: Record<string, unknown> } | null;
  contactPoints: Array<{ channel: string; value: string; metadata: Record<string, unknown> }>;
  workspaceTimezone: string;
}

/** Which template block renders a routing channel. */
const BLOCK_OF: Record<string, TemplateChannel> = {
  email: 'email',
  sms: 'sms',
  push: 'push',
  slack: 'chat',
  teams: 'chat',
  inapp: 'inapp',
  webhook: 'webhook',
};
/** Template blocks to routing channels, for templates sent without an explicit channel list. */
const CHANNELS_OF_BLOCK: Record<string, string[]> = {
  email: ['email'],
  sms: ['sms'],
  push: ['push'],
  chat: ['slack', 'teams'],
  inapp: ['inapp'],
  webhook: ['webhook'],
};
/** Routing order when the request names no channels. */
const DEFAULT_ORDER = ['inapp', 'email', 'push', 'sms', 'slack', 'teams', 'webhook'];

type Attempt = ChannelOutcome;

/**
 * The layer every message goes through. For each channel in routing order: preferences, contact
 * point and provider, frequency caps and cooldown, quiet hours, rendering, then the providers in
 * fallback order. Exactly one message per (step, channel): the message row is claimed by its
 * idempotency key and marked `sending` before any provider is called.
 */
@Injectable()
export class DeliveryService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ChannelsService) private readonly channels: ChannelsService,
    @Inject(PluginRegistry) private readonly registry: PluginRegistry,
    @Inject(MessageStore) private readonly messages: MessageStore,
    @Inject(TEMPLATE_RENDERER) private readonly renderer: TemplateRendererPort,
    @Inject(PREFERENCES) private readonly preferences: PreferencesPort,
    @Inject(DELIVERY_SETTINGS) private readonly settings: SettingsPort,
    @Inject(TrackingLinks) private readonly tracking: TrackingLinks,
    @Inject(InboxPublisher) private readonly inbox: InboxPublisher,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  async deliver(req: DeliveryRequest): Promise<DeliveryOutcome> {
    const [profile, settings, topic] = await Promise.all([
      this.loadProfile(req.workspaceId, req.profileId),
      this.settings.get(req.workspaceId),
      req.topic ? this.preferences.topic(req.workspaceId, req.topic) : Promise.resolve(null),
    ]);
    const order = req.channels ?? (await this.templateChannels(req));
    const outcomes: ChannelOutcome[] = [];
    for (const channel of order) {
      const outcome = await this.attempt(req, channel, profile, settings, topic);
      outcomes.push(outcome);
      if (req.routing === 'single' && (outcome.status === 'sent' || outcome.status === 'deferred')) break;
    }
    return summarize(outcomes);
  }

  /** A template sent once to one profile, now (quiet hours skipped), e.g. from the editor. */
  async testSend(
    workspaceId: string,
    templateKey: string,
    input: { userId: string; channels?: string[]; data?: Record<string, unknown>; version?: 'draft' | 'published' },
  ): Promise<DeliveryOutcome> {
    const rows: Array<{ id: string }> = await this.dataSource.query('SELECT id FROM profiles WHERE workspace_id = $1 AND user_id = $2', [
      workspaceId,
      input.userId,
    ]);
    if (rows.length === 0) throw new NotFoundError(`No profile with userId "${input.userId}"`);
    const version = input.version ?? 'draft';
    await this.renderer.channels(workspaceId, templateKey, version);
    return this.deliver({
      workspaceId,
      profileId: rows[0].id,
      templateKey,
      templateVersion: version,
      channels: input.channels ?? null,
      routing: input.channels ? 'all' : 'single',
      topic: null,
      data: input.data ?? {},
      idempotencyBase: `test:${randomUUID()}`,
      urgent: true,
    });
  }

  private async templateChannels(req: DeliveryRequest): Promise<string[]> {
    const blocks = await this.renderer.channels(req.workspaceId, req.templateKey, req.templateVersion ?? 'published');
    const channels = blocks.flatMap((block) => CHANNELS_OF_BLOCK[block] ?? []);
    return DEFAULT_ORDER.filter((c) => channels.includes(c));
  }

  private async attempt(
    req: DeliveryRequest,
    channel: string,
    profile: DeliveryProfile,
    settings: DeliverySettings,
    topic: TopicInfo | null,
  ): Promise<Attempt> {
    const key = `${req.idempotencyBase}:${channel}`;
    const existing = req.fresh ? undefined : await this.messages.find(req.workspaceId, key);
    if (existing && existing.status !== 'queued' && existing.status !== 'deferred' && existing.status !== 'sending')
      return fromRow(existing);
    if (existing?.status === 'deferred' && existing.deferred_until && existing.deferred_until > new Date()) return fromRow(existing);

    const block = BLOCK_OF[channel];
    if (!block) return { channel, status: 'skipped', reason: `unknown channel "${channel}"` };
    const recipient = recipientFor(channel, profile);
    if (!recipient) return { channel, status: 'skipped', reason: `the profile has no ${channel} contact point` };
    const providers = channel === 'inapp' ? [] : await this.channels.providersFor(req.workspaceId, channel);
    if (channel !== 'inapp' && providers.length === 0)
      return { channel, status: 'skipped', reason: `no ${channel} provider is configured` };

    const identity = {
      workspaceId: req.workspaceId,
      profileId: profile.id,
      idempotencyKey: key,
      requestId: req.requestId,
      journeyId: req.journey?.journeyId,
      runId: req.journey?.runId,
      nodeId: req.journey?.nodeId,
      templateKey: req.templateKey,
      topic: req.topic,
      capExempt: topic?.exemptFromCaps ?? false,
      channel,
    };

    const preference = await this.preferences.decide(req.workspaceId, profile.id, req.topic, channel);
    if (!preference.allowed) {
      const row = await this.dataSource.transaction((m) => this.messages.claim(m, identity));
      await this.messages.transition(row.id, 'suppressed', {
        reason: preference.reason ?? `opted out of ${req.topic ?? 'messages'} on ${channel}`,
      });
      return { channel, status: 'suppressed', reason: preference.reason, messageId: row.id };
    }

    // Render before deciding: a template that cannot render must not use up a cap.
    let rendered: RenderedContent;
    const links = this.preferences.unsubscribeLinks(req.workspaceId, profile.id, req.topic);
    try {
      rendered = await this.renderer.render(
        req.workspaceId,
        req.templateKey,
        block,
        { profile: renderProfile(profile) as unknown as Record<string, unknown>, event: req.event, data: req.data, run: req.run },
        {
          version: req.templateVersion ?? 'published',
          locale: profile.locale,
          extra: { unsubscribeUrl: links.unsubscribeUrl, preferencesUrl: links.preferencesUrl },
        },
      );
    } catch (error) {
      const row = await this.dataSource.transaction((m) => this.messages.claim(m, identity));
      await this.messages.transition(row.id, 'failed', { reason: `template could not be rendered: ${(error as Error).message}` });
      return { channel, status: 'failed', reason: (error as Error).message, messageId: row.id };
    }

    // Decide under the profile's delivery lock, and mark `sending` in the same transaction.
    const decision = await this.dataSource.transaction(async (m) => {
      await lockProfileForDelivery(m, profile.id);
      const row = await this.messages.claim(m, identity);
      if (row.status === 'sending') return { row, go: 'resolve' as const };
      if (row.status !== 'queued' && row.status !== 'deferred') return { row, go: 'done' as const };
      const now = new Date();
      if (req.notBefore && req.notBefore > now) {
        await this.messages.transition(row.id, 'deferred', { reason: 'delayed by the request', deferredUntil: req.notBefore }, m);
        return { row, go: 'deferred' as const, until: req.notBefore };
      }
      if (!topic?.exemptFromCaps) {
        const caps = await checkFrequencyCaps(m, {
          profileId: profile.id,
          channel,
          journeyId: req.journey?.journeyId,
          rules: [...settings.frequencyCaps, ...(req.journey?.caps ?? []).map((c) => ({ ...c, scope: 'journey' as const }))],
          cooldownSeconds: settings.cooldownSeconds,
          now,
        });
        if (!caps.allowed) {
          if (caps.action === 'skip') {
            await this.messages.transition(row.id, 'throttled', { reason: caps.reason }, m);
            return { row, go: 'throttled' as const, reason: caps.reason };
          }
          await this.messages.transition(row.id, 'deferred', { reason: caps.reason, deferredUntil: caps.retryAt }, m);
          return { row, go: 'deferred' as const, until: caps.retryAt };
        }
      }
      if (!req.urgent && !topic?.bypassQuietHours && settings.quietHours.enabled) {
        const zone = this.settings.zoneFor(profile.timezone, settings, profile.workspaceTimezone);
        const until = this.settings.nextAllowedSendTime(settings.quietHours, zone, now);
        if (until) {
          await this.messages.transition(row.id, 'deferred', { reason: `quiet hours in ${zone}`, deferredUntil: until }, m);
          return { row, go: 'deferred' as const, until };
        }
      }
      await this.messages.transition(row.id, 'sending', { recipient, content: rendered, deferredUntil: null }, m);
      return { row, go: 'send' as const };
    });

    const { row } = decision;
    switch (decision.go) {
      case 'done':
        return fromRow(row);
      case 'throttled':
        return { channel, status: 'throttled', reason: decision.reason, messageId: row.id };
      case 'deferred':
        return { channel, status: 'deferred', messageId: row.id, deferredUntil: decision.until.toISOString() };
      case 'resolve':
        return this.resolveUnknownOutcome(row, providers, channel, recipient, rendered, links.headers);
      case 'send':
        return this.handOver(row, providers, channel, recipient, rendered, links.headers, profile);
    }
  }

  /** Calls the providers of the channel in fallback order until one accepts the message. */
  private async handOver(
    row: MessageRow,
    providers: ResolvedProvider[],
    channel: string,
    recipient: string,
    rendered: RenderedContent,
    unsubscribeHeaders: Record<string, string>,
    profile?: DeliveryProfile,
  ): Promise<Attempt> {
    if (channel === 'inapp') {
      await this.messages.transition(row.id, 'sent', { providerMessageId: row.id, pluginId: 'inapp' });
      await this.inbox.publish(row.workspace_id, row.profile_id, row.id);
      return { channel, status: 'sent', messageId: row.id };
    }
    let message: ChannelMessage;
    try {
      message = this.channelMessage(channel, recipient, rendered, unsubscribeHeaders, row.id, profile);
    } catch (error) {
      await this.messages.transition(row.id, 'failed', { reason: (error as Error).message });
      return { channel, status: 'failed', reason: (error as Error).message, messageId: row.id };
    }
    const failures: string[] = [];
    for (const provider of providers) {
      const plugin = this.registry.channel(provider.pluginId);
      try {
        const ctx = provider.context({ idempotencyKey: row.idempotency_key, timeoutMs: 30_000 });
        const result = await plugin.send(ctx, message);
        await this.messages.transition(row.id, 'sent', {
          providerMessageId: result.providerMessageId,
          providerConfigId: provider.id,
          pluginId: provider.pluginId,
        });
        if (result.unregisteredTokens?.length) await this.dropPushTokens(row.profile_id, result.unregisteredTokens);
        return { channel, status: 'sent', messageId: row.id };
      } catch (error) {
        const failure = toPluginError(error);
        if (channel === 'push' && Array.isArray((failure.details as { unregisteredTokens?: unknown })?.unregisteredTokens)) {
          await this.dropPushTokens(row.profile_id, (failure.details as { unregisteredTokens: string[] }).unregisteredTokens);
        }
        failures.push(`${provider.name}: ${describe(failure)}`);
        this.logger.warn(
          { messageId: row.id, provider: provider.id, retryable: failure.retryable, err: failure.message },
          'provider failed; trying the next one',
        );
      }
    }
    const reason = failures.join('; ');
    await this.messages.transition(row.id, 'failed', { reason });
    return { channel, status: 'failed', reason, messageId: row.id };
  }

  /**
   * A previous attempt marked the message `sending` and then stopped (a crash): the provider may
   * or may not have it. Resend only where that cannot duplicate: the provider deduplicates on our
   * key, or it can tell us whether it has the message.
   */
  private async resolveUnknownOutcome(
    row: MessageRow,
    providers: ResolvedProvider[],
    channel: string,
    recipient: string,
    rendered: RenderedContent,
    headers: Record<string, string>,
  ): Promise<Attempt> {
    if (channel === 'inapp') return this.handOver(row, providers, channel, recipient, rendered, headers);
    const provider = providers.find((p) => p.id === row.provider_config_id) ?? providers[0];
    const plugin = provider && this.registry.channel(provider.pluginId);
    if (plugin?.manifest.capabilities?.idempotentSend)
      return this.handOver(row, [provider, ...providers.filter((p) => p !== provider)], channel, recipient, rendered, headers);
    if (plugin?.lookupStatus) {
      const status = await plugin
        .lookupStatus(provider.context({ idempotencyKey: row.idempotency_key }), row.idempotency_key)
        .catch(() => undefined);
      if (status?.status === 'sent') {
        await this.messages.transition(row.id, 'sent', {
          providerMessageId: status.providerMessageId,
          providerConfigId: provider.id,
          pluginId: provider.pluginId,
          detail: { resolvedBy: 'lookupStatus' },
        });
        return { channel, status: 'sent', messageId: row.id };
      }
      if (status?.status === 'not_found') return this.handOver(row, providers, channel, recipient, rendered, headers);
    }
    const reason = 'delivery outcome unknown after an interrupted attempt; not resent, to avoid a duplicate';
    await this.messages.transition(row.id, 'failed', { reason });
    return { channel, status: 'failed', reason, messageId: row.id };
  }

  private channelMessage(
    channel: string,
    recipient: string,
    rendered: RenderedContent,
    headers: Record<string, string>,
    messageId: string,
    profile?: DeliveryProfile,
  ): ChannelMessage {
    switch (channel) {
      case 'email': {
        const email = rendered.email!;
        const unsubscribeUrls = Object.values(headers).join(' ');
        const html = this.tracking.instrumentHtml(
          email.html,
          messageId,
          (url) => unsubscribeUrls.includes(url) || url.includes('/unsubscribe/') || url.includes('/preferences/'),
        );
        return { to: recipient, subject: email.subject, html, text: email.text, headers };
      }
      case 'sms':
        return { to: recipient, body: rendered.sms!.body };
      case 'push': {
        const tokens = (profile?.contactPoints ?? []).filter((c) => c.channel === 'push').map((c) => c.value);
        return {
          tokens: tokens.length ? tokens : [recipient],
          title: rendered.push!.title,
          body: rendered.push!.body,
          data: rendered.push!.data,
          imageUrl: rendered.push!.imageUrl ?? undefined,
        };
      }
      case 'slack':
      case 'teams':
        // Templates write chat text in Markdown (when `markdown` is on); providers that render it use `markdown`.
        return {
          to: parseChatAddress(recipient),
          text: rendered.chat!.text,
          markdown: rendered.chat!.markdown ? rendered.chat!.text : undefined,
        };
      case 'webhook': {
        const { url, body } = rendered.webhook!;
        if (!url) throw new Error("the template's webhook block has no url");
        return { url, body };
      }
      default:
        throw new Error(`no message shape for channel ${channel}`);
    }
  }

  private async dropPushTokens(profileId: string, tokens: string[]): Promise<void> {
    await this.dataSource.query("DELETE FROM contact_points WHERE profile_id = $1 AND channel = 'push' AND value = ANY($2::text[])", [
      profileId,
      tokens,
    ]);
  }

  async loadProfile(workspaceId: string, profileId: string): Promise<DeliveryProfile> {
    const rows = await this.dataSource.query(
      `SELECT p.id, p.user_id, p.email, p.phone, p.timezone, p.locale, p.traits, w.default_timezone, a.group_id, a.traits AS account_traits,
              COALESCE((SELECT json_agg(json_build_object('channel', c.channel, 'value', c.value, 'metadata', c.metadata) ORDER BY c.created_at)
                        FROM contact_points c WHERE c.profile_id = p.id), '[]') AS contact_points
         FROM profiles p JOIN workspaces w ON w.id = p.workspace_id LEFT JOIN accounts a ON a.id = p.account_id
        WHERE p.workspace_id = $1 AND p.id = $2`,
      [workspaceId, profileId],
    );
    if (rows.length === 0) throw new Error(`profile ${profileId} no longer exists`);
    const r = rows[0];
    return {
      id: r.id,
      userId: r.user_id,
      email: r.email,
      phone: r.phone,
      timezone: r.timezone,
      locale: r.locale,
      traits: r.traits,
      account: r.group_id ? { groupId: r.group_id, traits: r.account_traits } : null,
      contactPoints: r.contact_points,
      workspaceTimezone: r.default_timezone,
    };
  }
}

/** The address a channel delivers to, or undefined when the profile has none. */
export function recipientFor(channel: string, profile: DeliveryProfile): string | undefined {
  const point = (c: string) => profile.contactPoints.find((p) => p.channel === c)?.value;
  switch (channel) {
    case 'email':
      return profile.email ?? point('email');
    case 'sms':
      return profile.phone ?? point('sms');
    case 'push':
    case 'slack':
    case 'teams':
      return point(channel);
    case 'inapp':
      return profile.userId ?? profile.id;
    case 'webhook':
      return 'webhook';
    default:
      return undefined;
  }
}

/** A Teams channel is stored as JSON `{ "teamId", "channelId" }`; other chat addresses are plain ids. */
function parseChatAddress(value: string): string | { teamId: string; channelId: string } {
  if (value.startsWith('{')) {
    try {
      const parsed = JSON.parse(value) as { teamId?: unknown; channelId?: unknown };
      if (typeof parsed.teamId === 'string' && typeof parsed.channelId === 'string')
        return { teamId: parsed.teamId, channelId: parsed.channelId };
    } catch {
      // a plain id after all
    }
  }
  return value;
}

function fromRow(row: MessageRow): Attempt {
  const status = HANDED_OVER.includes(row.status) || row.status === 'sending' ? 'sent' : row.status === 'queued' ? 'deferred' : row.status;
  return {
    channel: row.channel,
    status: status as Attempt['status'],
    reason: row.status_reason ?? undefined,
    messageId: row.id,
    deferredUntil: row.deferred_until ? new Date(row.deferred_until).toISOString() : undefined,
  };
}

function describe(error: PluginError): string {
  return `${error.message}${isPluginError(error) ? ` (${error.retryable ? 'retryable' : 'permanent'}${error.code ? `, ${error.code}` : ''})` : ''}`;
}

function summarize(outcomes: ChannelOutcome[]): DeliveryOutcome {
  const first = (status: ChannelOutcome['status']) => outcomes.find((o) => o.status === status);
  if (first('sent')) return { status: 'sent', channels: outcomes };
  const deferred = first('deferred');
  if (deferred) return { status: 'deferred', channels: outcomes, deferredUntil: deferred.deferredUntil };
  for (const status of ['failed', 'throttled', 'suppressed'] as const) if (first(status)) return { status, channels: outcomes };
  return { status: 'skipped', channels: outcomes };
}
