import type { PluginContext } from './context.js';
import type { ChannelManifest } from './manifest.js';

/** An e-mail, rendered by the core (HTML from MJML, text alternative, headers such as List-Unsubscribe). */
export interface EmailMessage {
  to: string;
  /** Default: the provider configuration's sender. */
  from?: string;
  subject: string;
  html: string;
  text?: string;
  /** Extra headers, e.g. `List-Unsubscribe` and `List-Unsubscribe-Post`. */
  headers?: Record<string, string>;
  replyTo?: string;
}

export interface SmsMessage {
  /** E.164 phone number. */
  to: string;
  body: string;
  /** Default: the provider configuration's sender. */
  from?: string;
}

export interface PushMessage {
  /** Device registration tokens. */
  tokens: string[];
  title: string;
  body: string;
  /** Key/value data delivered to the app. */
  data?: Record<string, string>;
  imageUrl?: string;
}

/** A Microsoft Teams channel inside a team. */
export interface TeamsChannelAddress {
  teamId: string;
  channelId: string;
}

/** A chat message (Slack, Microsoft Teams). */
export interface ChatMessage {
  /**
   * Slack: a channel or user id. Teams: a chat id, or a `{ teamId, channelId }` channel.
   */
  to: string | TeamsChannelAddress;
  /** Plain text; always present (notifications, fallbacks). */
  text: string;
  /** A richer version in Markdown, used where the provider renders it. */
  markdown?: string;
}

export interface WebhookMessage {
  url: string;
  /** Default POST. */
  method?: 'POST' | 'PUT' | 'PATCH';
  headers?: Record<string, string>;
  /** Sent as JSON unless it is a string. */
  body: unknown;
}

/** The message shape for each known channel. */
export interface ChannelMessageMap {
  email: EmailMessage;
  sms: SmsMessage;
  push: PushMessage;
  slack: ChatMessage;
  teams: ChatMessage;
  webhook: WebhookMessage;
}

export type ChannelMessage = ChannelMessageMap[keyof ChannelMessageMap];

export interface SendResult {
  /** The provider's id for the message, used to match delivery events. */
  providerMessageId: string;
  /** False when the provider took the request but will not deliver (e.g. every push token was unregistered). */
  accepted?: boolean;
  /** Push: tokens the provider reported as no longer registered; the core removes them from the profile. */
  unregisteredTokens?: string[];
  /** The provider's answer, for the message log (JSON data, no secrets). */
  raw?: unknown;
}

export const DELIVERY_STATUSES = ['sent', 'delivered', 'opened', 'clicked', 'bounced', 'complained', 'unsubscribed', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One status change reported by a provider's delivery webhook. */
export interface DeliveryEvent {
  providerMessageId: string;
  status: DeliveryStatus;
  /** ISO 8601 time the provider says it happened. */
  occurredAt: string;
  /** Why it bounced or failed, in the provider's words. */
  reason?: string;
  /** The recipient the event is about (address, number), when the provider says. */
  recipient?: string;
  /** Push: tokens no longer registered. */
  unregisteredTokens?: string[];
  raw?: unknown;
}

/** An incoming provider webhook as the core received it. Header names are lower-case. */
export interface InboundRequest {
  method: string;
  /** The full public URL the provider called (signature schemes such as Twilio's sign it). */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** The body as received, before parsing (signatures are computed over it). */
  rawBody: string;
  /** The parsed body: JSON or form fields. */
  body: unknown;
}

export interface CheckConfigResult {
  ok: boolean;
  /** A sentence for the admin ("Connected as …", "The API key was rejected"). */
  message: string;
  details?: unknown;
}

/** Answer to "did the send with this idempotency key happen?" after an unknown outcome (e.g. a timeout). */
export type StatusLookupResult =
  { status: 'sent'; providerMessageId: string; raw?: unknown } | { status: 'not_found' } | { status: 'unknown'; reason?: string };

export type Awaitable<T> = T | Promise<T>;

export interface ChannelPlugin<M = ChannelMessage, C = Record<string, unknown>, S = Record<string, unknown>> {
  readonly manifest: ChannelManifest;
  /** Hands one message to the provider. Throw a PluginError (retryable or permanent) on failure. */
  send(ctx: PluginContext<C, S>, message: M): Promise<SendResult>;
  /** Turns a provider delivery webhook into delivery events (capability `deliveryWebhooks`). */
  parseDeliveryEvent?(ctx: PluginContext<C, S>, request: InboundRequest): Awaitable<DeliveryEvent[]>;
  /** Checks a provider webhook's signature (capability `signedWebhooks`); the core rejects it when false. */
  verifySignature?(ctx: PluginContext<C, S>, request: InboundRequest): Awaitable<boolean>;
  /** "Test connection" (capability `checkConfig`): checks credentials without sending anything. */
  checkConfig?(ctx: PluginContext<C, S>): Promise<CheckConfigResult>;
  /** Resolves an unknown outcome (capability `statusLookup`). */
  lookupStatus?(ctx: PluginContext<C, S>, idempotencyKey: string): Promise<StatusLookupResult>;
}
