import type { JourneyCap } from '@itinera/journey-model';
import { type ChannelMessage, isPluginError, type PluginError, toPluginError, type WebhookMessage } from '@itinera/plugin-sdk';
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import { ROOT_LOGGER } from '../../../infra/logging/logging.module.js';
import { ChannelsService, type ResolvedProvider } from '../../plugins/channels.service.js';
import { PluginRegistry } from '../../plugins/plugin-registry.js';
import type { TopicInfo } from '../../preferences/preference-rules.js';
import { PreferencesService } from '../../preferences/preferences.service.js';
import { dropPushTokens } from '../../profiles/contact-points.js';
import { type ProfileView, ProfileViews, renderProfile } from '../../profiles/profile-view.js';
import type { DeliverySettings } from '../../settings/delivery-settings.js';
import { nextAllowedSendTime, zoneFor } from '../../settings/quiet-hours.js';
import { SettingsService } from '../../settings/settings.service.js';
import type { RenderedContent } from '../../templates/compiled-template.js';
import { type TemplateVersionRef, TemplateRenderer } from '../../templates/template-renderer.js';
import { TrackingLinks } from '../provider-events/tracking-links.js';
import { CHANNELS, type ChannelSpec, channelsForBlocks, isChannel } from './channels.js';
import { type CapRule, capsApply, checkFrequencyCaps } from './frequency-caps.js';
import { InboxPublisher } from './inbox-publisher.js';
import { HANDED_OVER, type MessageRow, MessageStore } from './message-store.js';

/** One send step: a template to a profile, routed over channels under the delivery rules. */
export interface DeliveryRequest {
  workspaceId: string;
  profileId: string;
  templateKey: string;
  templateVersion?: TemplateVersionRef;
  /** Channels in routing order; null: the template's channels. */
  channels: string[] | null;
  routing: 'single' | 'all';
  topic: string | null;
  data: Record<string, unknown>;
  event?: Record<string, unknown>;
  run?: Record<string, unknown>;
  /** Base of each message's idempotency key: `send:<requestId>` or `run:<runId>:<nodeId>:<visit>`. */
  idempotencyBase: string;
  requestId?: string;
  journey?: { journeyId: string; runId: string; nodeId: string; caps?: JourneyCap[] };
  /** Skips quiet hours (also tag "urgent" on /send, or a topic that bypasses them). */
  urgent?: boolean;
  notBefore?: Date | null;
}

export interface ChannelOutcome {
  channel: string;
  /** unknown: a crash interrupted the hand-over and the provider cannot tell; it may have the message. */
  status: 'sent' | 'unknown' | 'failed' | 'suppressed' | 'throttled' | 'deferred' | 'skipped';
  reason?: string;
  messageId?: string;
  providerMessageId?: string;
  deferredUntil?: string;
}

export interface DeliveryOutcome {
  /**
   * sent: at least one channel handed over; unknown: one may have been (an interrupted hand-over); deferred: waiting
   * (quiet hours, caps, delay); otherwise why nothing went.
   */
  status: 'sent' | 'unknown' | 'deferred' | 'failed' | 'suppressed' | 'throttled' | 'skipped';
  channels: ChannelOutcome[];
  deferredUntil?: string;
}

type Attempt = ChannelOutcome;

/** A message whose content the caller made, for `deliverDirect`. */
export interface DirectDeliveryRequest {
  workspaceId: string;
  profileId: string;
  channel: 'webhook';
  message: WebhookMessage;
  idempotencyKey: string;
  timeoutMs: number;
  journey?: { journeyId: string; runId: string; nodeId: string };
}

export interface DirectDeliveryOutcome {
  /** skipped: no provider of the channel is configured. */
  status: 'sent' | 'unknown' | 'failed' | 'skipped';
  messageId?: string;
  providerMessageId?: string;
  reason?: string;
}

/** Why a message may not go now. */
type Hold = { status: 'throttled'; reason: string } | { status: 'deferred'; until: Date; reason: string };

/** One channel of a planned send (`plan`): what the pipeline would do. */
export interface PlannedChannel {
  channel: string;
  status: 'would_send' | 'skipped' | 'suppressed' | 'failed' | 'throttled' | 'deferred';
  reason?: string;
  recipient?: string;
  deferredUntil?: string;
}

export interface DeliveryPlan {
  status: DeliveryOutcome['status'];
  channels: PlannedChannel[];
  /** The content each channel that got this far rendered, by routing channel. */
  rendered: Array<Omit<RenderedContent, 'channel'> & { channel: string }>;
  deferredUntil?: string;
}

/** How long a provider has to take a message. */
const PROVIDER_TIMEOUT_MS = 30_000;

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
    @Inject(TemplateRenderer) private readonly renderer: TemplateRenderer,
    @Inject(PreferencesService) private readonly preferences: PreferencesService,
    @Inject(SettingsService) private readonly settings: SettingsService,
    @Inject(ProfileViews) private readonly profiles: ProfileViews,
    @Inject(TrackingLinks) private readonly tracking: TrackingLinks,
    @Inject(InboxPublisher) private readonly inbox: InboxPublisher,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  async deliver(req: DeliveryRequest): Promise<DeliveryOutcome> {
    const [profile, settings, topic] = await Promise.all([
      this.profiles.load(req.workspaceId, req.profileId, { preferenceChoices: true }),
      this.settings.get(req.workspaceId),
      req.topic ? this.preferences.topic(req.workspaceId, req.topic) : Promise.resolve(null),
    ]);
    const order = req.channels ?? (await this.templateChannels(req));
    const outcomes: ChannelOutcome[] = [];
    for (const channel of order) {
      const outcome = await this.attempt(req, channel, profile, settings, topic);
      outcomes.push(outcome);
      // An unknown outcome may be a delivered message: the next channel would make it two.
      if (req.routing === 'single' && (outcome.status === 'sent' || outcome.status === 'unknown' || outcome.status === 'deferred')) break;
    }
    return summarize(outcomes);
  }

  /** A template sent once to one profile, now (quiet hours skipped), e.g. from the editor. */
  async testSend(
    workspaceId: string,
    templateKey: string,
    input: { userId: string; channels?: string[]; data?: Record<string, unknown>; version?: 'draft' | 'published' },
  ): Promise<DeliveryOutcome> {
    const profileId = await this.profiles.requireIdOfUser(workspaceId, input.userId);
    const version = input.version ?? 'draft';
    await this.renderer.channels(workspaceId, templateKey, version);
    return this.deliver({
      workspaceId,
      profileId,
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
    return channelsForBlocks(blocks);
  }

  private async attempt(
    req: DeliveryRequest,
    channel: string,
    profile: ProfileView,
    settings: DeliverySettings,
    topic: TopicInfo | null,
  ): Promise<Attempt> {
    const key = `${req.idempotencyBase}:${channel}`;
    const reach = await this.reach(req, channel, profile);
    if ('skip' in reach) return { channel, status: 'skipped', reason: reach.skip };
    const { spec, recipient, providers } = reach;

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

    const preference = await this.preferences.decide(req.workspaceId, profile.id, req.topic, channel, profile.preferenceChoices);
    // Render before deciding: a template that cannot render must not use up a cap.
    const links = this.preferences.unsubscribeLinks(req.workspaceId, profile.id, req.topic);
    let rendered: RenderedContent | undefined;
    let renderError: string | undefined;
    if (preference.allowed) {
      try {
        rendered = await this.render(req, spec.block, profile, links);
      } catch (error) {
        renderError = (error as Error).message;
      }
    }

    // A first attempt that nothing holds back or counts goes straight to `sending`, in one
    // statement and without the profile's lock (which only makes cap counts exact).
    const straight =
      rendered &&
      preference.allowed &&
      !this.countsAgainstCaps(req, channel, settings, topic) &&
      !this.timingHold(req, profile, settings, topic, new Date())
        ? await this.messages.claimSending(identity, { recipient, content: rendered })
        : undefined;
    // Otherwise, decide under the profile's delivery lock, on the message claimed by its key (an
    // earlier attempt's decision stands), and mark it `sending` in the same transaction.
    const decision = straight
      ? { row: straight, go: 'send' as const }
      : await this.dataSource.transaction(async (m) => {
          const row = await this.messages.claim(m, identity, { lockProfile: true });
          if (row.status === 'sending') return { row, go: 'resolve' as const };
          if (row.status !== 'queued' && row.status !== 'deferred') return { row, go: 'done' as const };
          const now = new Date();
          if (row.status === 'deferred' && row.deferred_until && row.deferred_until > now) return { row, go: 'done' as const };
          if (!preference.allowed) {
            const reason = preference.reason ?? `opted out of ${req.topic ?? 'messages'} on ${channel}`;
            await this.messages.transition(row.id, 'suppressed', { reason }, m);
            return { row, go: 'suppressed' as const, reason };
          }
          if (!rendered) {
            await this.messages.transition(row.id, 'failed', { reason: `template could not be rendered: ${renderError}` }, m);
            return { row, go: 'failed' as const, reason: renderError! };
          }
          const hold = await this.hold(m, req, channel, profile, settings, topic, now);
          if (hold?.status === 'throttled') {
            await this.messages.transition(row.id, 'throttled', { reason: hold.reason }, m);
            return { row, go: 'throttled' as const, reason: hold.reason };
          }
          if (hold?.status === 'deferred') {
            await this.messages.transition(row.id, 'deferred', { reason: hold.reason, deferredUntil: hold.until }, m);
            return { row, go: 'deferred' as const, until: hold.until };
          }
          await this.messages.transition(row.id, 'sending', { recipient, content: rendered, deferredUntil: null }, m);
          return { row, go: 'send' as const };
        });

    const { row } = decision;
    const build = () => this.channelMessage(channel, recipient, rendered!, links.headers, row.id, profile);
    switch (decision.go) {
      case 'done':
        return fromRow(row);
      case 'suppressed':
        return { channel, status: 'suppressed', reason: decision.reason, messageId: row.id };
      case 'failed':
        return { channel, status: 'failed', reason: decision.reason, messageId: row.id };
      case 'throttled':
        return { channel, status: 'throttled', reason: decision.reason, messageId: row.id };
      case 'deferred':
        return { channel, status: 'deferred', messageId: row.id, deferredUntil: decision.until.toISOString() };
      case 'resolve':
        return this.resolveUnknownOutcome(row, providers, channel, build);
      case 'send':
        return this.handOver(row, providers, channel, build);
    }
  }

  /**
   * What the pipeline would do with a send step now, without doing it: no message row, no
   * provider call, no lock. Each channel's decision (skipped, suppressed, failed to render,
   * throttled, deferred, or would send) and the rendered content. A journey simulation uses it.
   */
  async plan(req: DeliveryRequest, profile: ProfileView, now: Date): Promise<DeliveryPlan> {
    const [settings, topic] = await Promise.all([
      this.settings.get(req.workspaceId),
      req.topic ? this.preferences.topic(req.workspaceId, req.topic) : Promise.resolve(null),
    ]);
    const order = req.channels ?? (await this.templateChannels(req));
    const plan: DeliveryPlan = { status: 'skipped', channels: [], rendered: [] };
    for (const channel of order) {
      const decision = await this.planChannel(req, channel, profile, settings, topic, now, plan);
      plan.channels.push(decision);
      if (req.routing === 'single' && (decision.status === 'would_send' || decision.status === 'deferred')) break;
    }
    const first = (status: PlannedChannel['status']) => plan.channels.find((c) => c.status === status);
    const deferred = first('deferred');
    if (first('would_send')) plan.status = 'sent';
    else if (deferred) Object.assign(plan, { status: 'deferred', deferredUntil: deferred.deferredUntil });
    else plan.status = (['failed', 'throttled', 'suppressed'] as const).find((s) => first(s)) ?? 'skipped';
    return plan;
  }

  private async planChannel(
    req: DeliveryRequest,
    channel: string,
    profile: ProfileView,
    settings: DeliverySettings,
    topic: TopicInfo | null,
    now: Date,
    plan: DeliveryPlan,
  ): Promise<PlannedChannel> {
    const reach = await this.reach(req, channel, profile);
    if ('skip' in reach) return { channel, status: 'skipped', reason: reach.skip };
    const preference = await this.preferences.decide(req.workspaceId, profile.id, req.topic, channel);
    if (!preference.allowed) {
      return { channel, status: 'suppressed', reason: preference.reason ?? `opted out of ${req.topic ?? 'messages'} on ${channel}` };
    }
    try {
      const links = this.preferences.unsubscribeLinks(req.workspaceId, profile.id, req.topic);
      plan.rendered.push({ ...(await this.render(req, reach.spec.block, profile, links)), channel });
    } catch (error) {
      return { channel, status: 'failed', reason: `template could not be rendered: ${(error as Error).message}` };
    }
    const hold = await this.hold(this.dataSource.manager, req, channel, profile, settings, topic, now);
    if (hold?.status === 'deferred') return { channel, status: 'deferred', reason: hold.reason, deferredUntil: hold.until.toISOString() };
    if (hold) return { channel, status: hold.status, reason: hold.reason };
    return { channel, status: 'would_send', recipient: reach.recipient };
  }

  /** Whether the channel can carry a message to the profile at all: a known channel, a recipient, a configured provider. */
  private async reach(
    req: DeliveryRequest,
    channel: string,
    profile: ProfileView,
  ): Promise<{ skip: string } | { spec: ChannelSpec; recipient: string; providers: ResolvedProvider[] }> {
    if (!isChannel(channel)) return { skip: `unknown channel "${channel}"` };
    const spec = CHANNELS[channel];
    const recipient = spec.recipient(profile);
    if (!recipient) return { skip: `the profile has no ${channel} contact point` };
    const providers = spec.viaProvider ? await this.channels.providersFor(req.workspaceId, channel) : [];
    if (spec.viaProvider && providers.length === 0) return { skip: `no ${channel} provider is configured` };
    return { spec, recipient, providers };
  }

  private render(
    req: DeliveryRequest,
    block: ChannelSpec['block'],
    profile: ProfileView,
    links: { unsubscribeUrl: string; preferencesUrl: string },
  ) {
    return this.renderer.render(
      req.workspaceId,
      req.templateKey,
      block,
      { profile: { ...renderProfile(profile) }, event: req.event, data: req.data, run: req.run },
      {
        version: req.templateVersion ?? 'published',
        // The profile's own locale, else the workspace's; a locale with no variant falls back to the default content.
        locale: profile.locale ?? profile.workspaceLocale,
        extra: { unsubscribeUrl: links.unsubscribeUrl, preferencesUrl: links.preferencesUrl },
      },
    );
  }

  /**
   * The timing rules, in order: the request's own delay, frequency caps and cooldown (unless the
   * topic is exempt), quiet hours (unless urgent or the topic bypasses them). Null: it may go now.
   * Counts are exact only under the profile's delivery lock, which the live path holds in `m`.
   */
  private async hold(
    m: EntityManager,
    req: DeliveryRequest,
    channel: string,
    profile: ProfileView,
    settings: DeliverySettings,
    topic: TopicInfo | null,
    now: Date,
  ): Promise<Hold | null> {
    const delayed = requestDelay(req, now);
    if (delayed) return delayed;
    if (!topic?.exemptFromCaps) {
      const caps = await checkFrequencyCaps(m, { profileId: profile.id, now, ...this.capQuery(req, channel, settings) });
      if (!caps.allowed) {
        return caps.action === 'skip'
          ? { status: 'throttled', reason: caps.reason }
          : { status: 'deferred', until: caps.retryAt, reason: caps.reason };
      }
    }
    return this.quietHours(req, profile, settings, topic, now);
  }

  /** The caps and cooldown a message of this channel counts against (none for a topic exempt from them). */
  private capQuery(req: DeliveryRequest, channel: string, settings: DeliverySettings) {
    return {
      channel,
      journeyId: req.journey?.journeyId,
      rules: [...settings.frequencyCaps, ...(req.journey?.caps ?? []).map(journeyCapRule)],
      cooldownSeconds: settings.cooldownSeconds,
    };
  }

  /** Whether a cap or the cooldown counts this message, so that its decision must hold the profile's lock. */
  private countsAgainstCaps(req: DeliveryRequest, channel: string, settings: DeliverySettings, topic: TopicInfo | null): boolean {
    return !topic?.exemptFromCaps && capsApply(this.capQuery(req, channel, settings));
  }

  /** The holds that need no count: the request's own delay, then quiet hours. */
  private timingHold(
    req: DeliveryRequest,
    profile: ProfileView,
    settings: DeliverySettings,
    topic: TopicInfo | null,
    now: Date,
  ): Hold | null {
    return requestDelay(req, now) ?? this.quietHours(req, profile, settings, topic, now);
  }

  private quietHours(
    req: DeliveryRequest,
    profile: ProfileView,
    settings: DeliverySettings,
    topic: TopicInfo | null,
    now: Date,
  ): Hold | null {
    if (req.urgent || topic?.bypassQuietHours || !settings.quietHours.enabled) return null;
    const zone = zoneFor(profile.timezone, settings, profile.workspaceTimezone);
    const until = nextAllowedSendTime(settings.quietHours, zone, now);
    return until ? { status: 'deferred', until, reason: `quiet hours in ${zone}` } : null;
  }

  /**
   * A message whose content the caller made (a journey's webhook node syncing data out): one
   * message per idempotency key, recorded in the message log, through the channel's providers in
   * fallback order. Preferences, caps and quiet hours do not apply: it is not sent to a person.
   */
  async deliverDirect(req: DirectDeliveryRequest): Promise<DirectDeliveryOutcome> {
    const providers = await this.channels.providersFor(req.workspaceId, req.channel);
    if (providers.length === 0) {
      return {
        status: 'skipped',
        reason: `no ${req.channel} provider (signing secret) is configured in this workspace (POST /api/channels)`,
      };
    }
    const identity = {
      workspaceId: req.workspaceId,
      profileId: req.profileId,
      idempotencyKey: req.idempotencyKey,
      journeyId: req.journey?.journeyId,
      runId: req.journey?.runId,
      nodeId: req.journey?.nodeId,
      templateKey: null,
      topic: null,
      capExempt: true,
      channel: req.channel,
    };
    const { row, go } = await this.dataSource.transaction(async (m) => {
      const claimed = await this.messages.claim(m, identity);
      if (claimed.status === 'sending') return { row: claimed, go: 'resolve' as const };
      if (claimed.status !== 'queued') return { row: claimed, go: 'done' as const };
      const { url, method, body } = req.message;
      await this.messages.transition(
        claimed.id,
        'sending',
        { recipient: url, content: { channel: req.channel, webhook: { url, method, body } } },
        m,
      );
      return { row: claimed, go: 'send' as const };
    });
    const build = () => req.message;
    const attempt =
      go === 'done'
        ? fromRow(row)
        : go === 'resolve'
          ? await this.resolveUnknownOutcome(row, providers, req.channel, build)
          : await this.handOver(row, providers, req.channel, build, req.timeoutMs);
    const status = attempt.status === 'sent' || attempt.status === 'unknown' || attempt.status === 'failed' ? attempt.status : 'skipped';
    return { status, messageId: attempt.messageId, providerMessageId: attempt.providerMessageId, reason: attempt.reason };
  }

  /** Calls the providers of the channel in fallback order until one accepts the message. */
  private async handOver(
    row: MessageRow,
    providers: ResolvedProvider[],
    channel: string,
    build: () => ChannelMessage | Promise<ChannelMessage>,
    timeoutMs = PROVIDER_TIMEOUT_MS,
  ): Promise<Attempt> {
    if (!CHANNELS[channel as keyof typeof CHANNELS]?.viaProvider) {
      await this.messages.transition(row.id, 'sent', { providerMessageId: row.id, pluginId: 'inapp' });
      await this.inbox.publish(row.workspace_id, row.profile_id, row.id);
      return { channel, status: 'sent', messageId: row.id };
    }
    let message: ChannelMessage;
    try {
      message = await build();
    } catch (error) {
      await this.messages.transition(row.id, 'failed', { reason: (error as Error).message });
      return { channel, status: 'failed', reason: (error as Error).message, messageId: row.id };
    }
    const failures: string[] = [];
    for (const provider of providers) {
      const plugin = this.registry.channel(provider.pluginId);
      try {
        const ctx = provider.context({ idempotencyKey: row.idempotency_key, timeoutMs });
        const result = await plugin.send(ctx, message);
        await this.messages.transition(row.id, 'sent', {
          providerMessageId: result.providerMessageId,
          providerConfigId: provider.id,
          pluginId: provider.pluginId,
        });
        if (result.unregisteredTokens?.length) await dropPushTokens(this.dataSource, row.profile_id, result.unregisteredTokens);
        return { channel, status: 'sent', messageId: row.id, providerMessageId: result.providerMessageId };
      } catch (error) {
        const failure = toPluginError(error);
        if (channel === 'push' && Array.isArray((failure.details as { unregisteredTokens?: unknown })?.unregisteredTokens)) {
          await dropPushTokens(this.dataSource, row.profile_id, (failure.details as { unregisteredTokens: string[] }).unregisteredTokens);
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
   * key (`idempotentSend`), or it can tell us whether it has the message (`lookupStatus`). Otherwise
   * the message is recorded `unknown` — never `failed`: it may well have been delivered.
   */
  private async resolveUnknownOutcome(
    row: MessageRow,
    providers: ResolvedProvider[],
    channel: string,
    build: () => ChannelMessage | Promise<ChannelMessage>,
  ): Promise<Attempt> {
    if (channel === 'inapp') return this.handOver(row, providers, channel, build);
    const provider = providers.find((p) => p.id === row.provider_config_id) ?? providers[0];
    const plugin = provider && this.registry.channel(provider.pluginId);
    if (plugin?.manifest.capabilities?.idempotentSend)
      return this.handOver(row, [provider, ...providers.filter((p) => p !== provider)], channel, build);
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
      if (status?.status === 'not_found') return this.handOver(row, providers, channel, build);
    }
    const reason =
      'outcome unknown: an attempt was interrupted after the message went to the provider, which cannot say whether it has it; not resent, to avoid a duplicate (a delivery report from the provider resolves it)';
    await this.messages.transition(row.id, 'unknown', { reason });
    return { channel, status: 'unknown', reason, messageId: row.id };
  }

  private channelMessage(
    channel: string,
    recipient: string,
    rendered: RenderedContent,
    headers: Record<string, string>,
    messageId: string,
    profile: ProfileView,
  ): ChannelMessage {
    if (!isChannel(channel)) throw new Error(`no message shape for channel ${channel}`);
    return CHANNELS[channel].message({
      recipient,
      rendered,
      profile,
      unsubscribeHeaders: headers,
      trackHtml: (html, exempt) => this.tracking.instrumentHtml(html, messageId, exempt),
    });
  }
}

/** The request's own delay, while it lasts. */
function requestDelay(req: DeliveryRequest, now: Date): Hold | null {
  return req.notBefore && req.notBefore > now ? { status: 'deferred', until: req.notBefore, reason: 'delayed by the request' } : null;
}

/** A journey's cap, as a rule of the frequency-cap check (a cap says skip unless it says defer). */
function journeyCapRule(cap: JourneyCap): CapRule {
  return { scope: 'journey', limit: cap.limit, windowSeconds: cap.windowSeconds, action: cap.action ?? 'skip' };
}

function fromRow(row: MessageRow): Attempt {
  const status = HANDED_OVER.includes(row.status) || row.status === 'sending' ? 'sent' : row.status === 'queued' ? 'deferred' : row.status;
  return {
    channel: row.channel,
    status: status as Attempt['status'],
    reason: row.status_reason ?? undefined,
    messageId: row.id,
    providerMessageId: row.provider_message_id ?? undefined,
    deferredUntil: row.deferred_until ? new Date(row.deferred_until).toISOString() : undefined,
  };
}

function describe(error: PluginError): string {
  return `${error.message}${isPluginError(error) ? ` (${error.retryable ? 'retryable' : 'permanent'}${error.code ? `, ${error.code}` : ''})` : ''}`;
}

function summarize(outcomes: ChannelOutcome[]): DeliveryOutcome {
  const first = (status: ChannelOutcome['status']) => outcomes.find((o) => o.status === status);
  if (first('sent')) return { status: 'sent', channels: outcomes };
  if (first('unknown')) return { status: 'unknown', channels: outcomes };
  const deferred = first('deferred');
  if (deferred) return { status: 'deferred', channels: outcomes, deferredUntil: deferred.deferredUntil };
  for (const status of ['failed', 'throttled', 'suppressed'] as const) if (first(status)) return { status, channels: outcomes };
  return { status: 'skipped', channels: outcomes };
}
