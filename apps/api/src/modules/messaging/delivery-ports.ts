/**
 * What the delivery pipeline needs from templates, preferences and settings. The messaging
 * module binds these tokens to the real services; the pipeline depends on these shapes only.
 */
export const TEMPLATE_RENDERER = Symbol('TEMPLATE_RENDERER');
export const PREFERENCES = Symbol('PREFERENCES');
export const DELIVERY_SETTINGS = Symbol('DELIVERY_SETTINGS');
export const JOURNEY_INVOKER = Symbol('JOURNEY_INVOKER');

/** `/send` naming a journey starts a run through this (the journeys module provides it). */
export interface JourneyInvokerPort {
  findByName(workspaceId: string, name: string): Promise<string | undefined>;
  invoke(
    workspaceId: string,
    ref: string,
    userId: string,
    data: Record<string, unknown>,
    entryKey?: string | null,
  ): Promise<{ runId: string }>;
}

export type TemplateChannel = 'email' | 'sms' | 'push' | 'chat' | 'inapp' | 'webhook';

export interface RenderedContent {
  templateKey: string;
  version: number | 'draft';
  channel: string;
  locale: string | null;
  email?: { subject: string; preheader: string; html: string; text: string };
  sms?: { body: string };
  push?: { title: string; body: string; data: Record<string, string>; imageUrl?: string | null };
  chat?: { text: string; markdown: boolean };
  inapp?: { title: string; body: string; actionUrl?: string | null; data?: Record<string, unknown> };
  webhook?: { url: string; body: unknown };
}

export interface RenderContext {
  profile: Record<string, unknown>;
  event?: Record<string, unknown>;
  data?: Record<string, unknown>;
  run?: Record<string, unknown>;
}

export interface TemplateRendererPort {
  render(
    workspaceId: string,
    templateKey: string,
    channel: TemplateChannel,
    context: RenderContext,
    options?: { version?: 'published' | 'draft' | number; locale?: string | null; extra?: Record<string, unknown> },
  ): Promise<RenderedContent>;
  channels(workspaceId: string, templateKey: string, version?: 'published' | 'draft' | number): Promise<string[]>;
  exists(workspaceId: string, key: string): Promise<boolean>;
}

export interface TopicInfo {
  key: string;
  name: string;
  defaultPreference: 'opted_in' | 'opted_out' | 'required';
  bypassQuietHours: boolean;
  exemptFromCaps: boolean;
}

export interface UnsubscribeLinks {
  unsubscribeUrl: string;
  oneClickUrl: string;
  preferencesUrl: string;
  headers: Record<string, string>;
}

export interface PreferencesPort {
  decide(
    workspaceId: string,
    profileId: string,
    topicKey: string | null,
    channel: string,
  ): Promise<{ allowed: boolean; reason?: string; topic: TopicInfo | null }>;
  topic(workspaceId: string, key: string): Promise<TopicInfo | null>;
  unsubscribeLinks(workspaceId: string, profileId: string, topicKey: string | null, messageId?: string): UnsubscribeLinks;
}

export interface QuietHours {
  enabled: boolean;
  start: string;
  end: string;
  days?: string[];
  defaultTimezone?: string;
}

export interface FrequencyCap {
  id?: string;
  scope: 'global' | 'channel' | 'journey';
  channel?: string;
  limit: number;
  windowSeconds: number;
  action: 'skip' | 'defer';
}

export interface DeliverySettings {
  quietHours: QuietHours;
  frequencyCaps: FrequencyCap[];
  cooldownSeconds?: number;
}

export interface SettingsPort {
  get(workspaceId: string): Promise<DeliverySettings>;
  /** When quiet hours end for a profile in `zone`, or null when sending now is allowed. */
  nextAllowedSendTime(quietHours: QuietHours, zone: string, now: Date): Date | null;
  zoneFor(profileTimezone: string | null, settings: DeliverySettings, workspaceDefault: string): string;
}
