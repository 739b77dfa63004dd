/**
 * The content of a template, as the API and the admin's editor share it: one optional block per
 * channel, and optional locale variants that override any field of those blocks. Every string is
 * a Liquid template over `{ profile, event, data, run }` and the extra variables of the send.
 */
export const TEMPLATE_CHANNELS = ['email', 'sms', 'push', 'chat', 'inapp', 'webhook'] as const;
export type TemplateChannel = (typeof TEMPLATE_CHANNELS)[number];

/** JSON as stored: strings inside it are Liquid. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface EmailContent {
  subject: string;
  preheader?: string;
  /** MJML; outputs are HTML-escaped (`| raw` opts out). */
  mjml: string;
  /** Plain-text part; derived from the HTML when absent. */
  text?: string;
}
export interface SmsContent {
  body: string;
}
export interface PushContent {
  title: string;
  body: string;
  data?: Record<string, string>;
  imageUrl?: string;
}
/** Slack and Microsoft Teams. */
export interface ChatContent {
  text: string;
  markdown?: boolean;
}
export interface InappContent {
  title: string;
  body: string;
  actionUrl?: string;
  data?: Record<string, JsonValue>;
}
export interface WebhookContent {
  /** Where the JSON is POSTed (Liquid), e.g. the customer's endpoint from a profile trait. */
  url: string;
  body: JsonValue;
}

export interface ChannelBlocks {
  email?: EmailContent;
  sms?: SmsContent;
  push?: PushContent;
  chat?: ChatContent;
  inapp?: InappContent;
  webhook?: WebhookContent;
}

/** A locale variant: any subset of the fields of the default blocks. */
export type LocaleBlocks = { [C in keyof ChannelBlocks]?: Partial<NonNullable<ChannelBlocks[C]>> };

export interface TemplateContent extends ChannelBlocks {
  /** Keyed by locale (`fr`, `fr-CA`); chosen by exact locale, then its language, then the default. */
  locales?: Record<string, LocaleBlocks>;
}

/**
 * How each field is checked and rendered: `liquid` a plain Liquid string, `mjml` an HTML-escaping
 * Liquid string that must be valid MJML, `stringMap` an object of Liquid strings, `json` any JSON
 * whose strings are Liquid, `boolean` a flag.
 */
export type FieldKind = 'liquid' | 'mjml' | 'stringMap' | 'json' | 'boolean';

export interface FieldSpec {
  kind: FieldKind;
  required?: boolean;
}

export const CHANNEL_FIELDS: Record<TemplateChannel, Record<string, FieldSpec>> = {
  email: {
    subject: { kind: 'liquid', required: true },
    preheader: { kind: 'liquid' },
    mjml: { kind: 'mjml', required: true },
    text: { kind: 'liquid' },
  },
  sms: { body: { kind: 'liquid', required: true } },
  push: {
    title: { kind: 'liquid', required: true },
    body: { kind: 'liquid', required: true },
    data: { kind: 'stringMap' },
    imageUrl: { kind: 'liquid' },
  },
  chat: { text: { kind: 'liquid', required: true }, markdown: { kind: 'boolean' } },
  inapp: {
    title: { kind: 'liquid', required: true },
    body: { kind: 'liquid', required: true },
    actionUrl: { kind: 'liquid' },
    data: { kind: 'json' },
  },
  webhook: { url: { kind: 'liquid', required: true }, body: { kind: 'json', required: true } },
};

/** The channels a content has a block for, in TEMPLATE_CHANNELS order. */
export function channelsOf(content: TemplateContent | null | undefined): TemplateChannel[] {
  if (!content) return [];
  return TEMPLATE_CHANNELS.filter((channel) => isObject(content[channel]));
}

/** A template key: a slug such as `welcome` or `trial-ending`, at most 100 characters. */
export const TEMPLATE_KEY_PATTERN = /^[a-z0-9]+([_-][a-z0-9]+)*$/;

export function isTemplateKey(value: string): boolean {
  return value.length <= 100 && TEMPLATE_KEY_PATTERN.test(value);
}

export function isTemplateChannel(value: unknown): value is TemplateChannel {
  return typeof value === 'string' && (TEMPLATE_CHANNELS as readonly string[]).includes(value);
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `fr`, `fr-CA`, `zh-Hant-TW`: a language subtag and optional subtags. */
export const LOCALE_PATTERN = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/;

/**
 * The locale keys to try for a requested locale, most specific first: `fr_CA` → `fr-ca`, `fr`.
 * Lower-cased; callers compare with lower-cased keys.
 */
export function localeCandidates(locale: string | null | undefined): string[] {
  if (!locale) return [];
  const parts = locale.trim().replaceAll('_', '-').toLowerCase().split('-').filter(Boolean);
  const candidates: string[] = [];
  for (let n = parts.length; n >= 1; n -= 1) candidates.push(parts.slice(0, n).join('-'));
  return candidates;
}
