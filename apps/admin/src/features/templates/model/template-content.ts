import type { LocaleContentDto, TemplateContentDto } from '@itinera/sdk';

/**
 * The editor's view of a template's content: one block per channel and locale variants that
 * override single fields. Mirrors the API's content contract (apps/api templates README): for each
 * field a send uses the profile's exact locale, then its language (`fr-CA` → `fr`), then the
 * default content.
 */
export const TEMPLATE_CHANNELS = ['email', 'sms', 'push', 'chat', 'inapp', 'webhook'] as const;
export type TemplateChannel = (typeof TEMPLATE_CHANNELS)[number];

export const CHANNEL_LABELS: Record<TemplateChannel, string> = {
  email: 'E-mail',
  sms: 'SMS',
  push: 'Push',
  chat: 'Chat',
  inapp: 'In-app',
  webhook: 'Webhook',
};

export type FieldKind = 'liquid' | 'mjml' | 'stringMap' | 'json' | 'boolean';

export interface FieldDef {
  name: string;
  label: string;
  kind: FieldKind;
  required?: boolean;
  multiline?: boolean;
  description?: string;
}

export const CHANNEL_FIELDS: Record<TemplateChannel, FieldDef[]> = {
  email: [
    { name: 'subject', label: 'Subject', kind: 'liquid', required: true },
    { name: 'preheader', label: 'Preheader', kind: 'liquid', description: 'The preview text inboxes show after the subject.' },
    { name: 'mjml', label: 'Body (MJML)', kind: 'mjml', required: true },
    { name: 'text', label: 'Plain-text part', kind: 'liquid', multiline: true, description: 'Made from the HTML when left empty.' },
  ],
  sms: [{ name: 'body', label: 'Message', kind: 'liquid', required: true, multiline: true }],
  push: [
    { name: 'title', label: 'Title', kind: 'liquid', required: true },
    { name: 'body', label: 'Body', kind: 'liquid', required: true, multiline: true },
    { name: 'imageUrl', label: 'Image URL', kind: 'liquid' },
    { name: 'data', label: 'Data', kind: 'stringMap', description: 'Key-value pairs the app receives with the notification.' },
  ],
  chat: [
    { name: 'text', label: 'Message', kind: 'liquid', required: true, multiline: true },
    { name: 'markdown', label: 'Format as markdown (Slack mrkdwn, Teams markdown)', kind: 'boolean' },
  ],
  inapp: [
    { name: 'title', label: 'Title', kind: 'liquid', required: true },
    { name: 'body', label: 'Body', kind: 'liquid', required: true, multiline: true },
    { name: 'actionUrl', label: 'Action URL', kind: 'liquid', description: 'Where a click on the message leads.' },
    { name: 'data', label: 'Data (JSON)', kind: 'json', description: 'Extra JSON for your in-app feed; strings in it are Liquid.' },
  ],
  webhook: [
    { name: 'url', label: 'URL', kind: 'liquid', required: true, description: 'Where the JSON is POSTed, signed (Standard Webhooks).' },
    { name: 'body', label: 'Body (JSON)', kind: 'json', required: true, description: 'Strings in the JSON are Liquid.' },
  ],
};

type Block = Record<string, unknown>;
type Content = TemplateContentDto;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `fr`, `fr-CA`, `zh-Hant-TW`: what the API accepts as a locale key. */
export const LOCALE_PATTERN = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/;

/** The channels a content has a block for, in the API's order. */
export function channelsOf(content: Content | undefined): TemplateChannel[] {
  return TEMPLATE_CHANNELS.filter((channel) => isObject(content?.[channel]));
}

export function localesOf(content: Content | undefined): string[] {
  return Object.keys(content?.locales ?? {}).sort();
}

/** What a new channel block starts with: the required fields, filled so that it saves. */
export function blankBlock(channel: TemplateChannel, mjml: string): Block {
  switch (channel) {
    case 'email':
      return { subject: 'Hello {{ profile.traits.first_name | default: "there" }}', mjml };
    case 'sms':
      return { body: 'Hi {{ profile.traits.first_name | default: "there" }}' };
    case 'push':
      return { title: 'Hello', body: 'Hi {{ profile.traits.first_name | default: "there" }}' };
    case 'chat':
      return { text: 'Hi {{ profile.traits.first_name | default: "there" }}', markdown: true };
    case 'inapp':
      return { title: 'Hello', body: 'Hi {{ profile.traits.first_name | default: "there" }}' };
    case 'webhook':
      return { url: 'https://example.com/hooks/itinera', body: { userId: '{{ profile.userId }}', event: '{{ event.event }}' } };
  }
}

export function addChannel(content: Content, channel: TemplateChannel, mjml: string): Content {
  return { ...content, [channel]: blankBlock(channel, mjml) };
}

/** Removes a channel and its translations. */
export function removeChannel(content: Content, channel: TemplateChannel): Content {
  const next: Content = { ...content };
  delete next[channel];
  if (next.locales) {
    const locales: Record<string, LocaleContentDto> = {};
    for (const [locale, blocks] of Object.entries(next.locales)) {
      const rest = { ...blocks };
      delete rest[channel];
      locales[locale] = rest;
    }
    next.locales = locales;
  }
  return next;
}

/** Locale keys to try for a locale, most specific first (`fr-CA` → `fr-ca`, `fr`), as the API does. */
export function localeCandidates(locale: string): string[] {
  const parts = locale.trim().replaceAll('_', '-').toLowerCase().split('-').filter(Boolean);
  const candidates: string[] = [];
  for (let n = parts.length; n >= 1; n -= 1) candidates.push(parts.slice(0, n).join('-'));
  return candidates;
}

export type FieldSource = { from: 'default' } | { from: 'locale'; locale: string } | { from: 'missing' };

export interface ResolvedField {
  value: unknown;
  /** Where the value comes from for a profile of the locale being edited. */
  source: FieldSource;
}

function localeBlock(content: Content, locale: string, channel: TemplateChannel): Block | undefined {
  const entry = Object.entries(content.locales ?? {}).find(([key]) => key.toLowerCase() === locale);
  const block = entry?.[1]?.[channel];
  return isObject(block) ? block : undefined;
}

/** The value a field has for `locale` (null: the default content), and which variant it comes from. */
export function resolveField(content: Content, channel: TemplateChannel, field: string, locale: string | null): ResolvedField {
  for (const candidate of locale ? localeCandidates(locale) : []) {
    const block = localeBlock(content, candidate, channel);
    if (block && block[field] !== undefined) {
      const key = Object.keys(content.locales ?? {}).find((k) => k.toLowerCase() === candidate) ?? candidate;
      return { value: block[field], source: { from: 'locale', locale: key } };
    }
  }
  const base = content[channel] as Block | undefined;
  if (base && base[field] !== undefined) return { value: base[field], source: { from: 'default' } };
  return { value: undefined, source: { from: 'missing' } };
}

/** The value stored in exactly this variant (not what it falls back to). */
export function ownValue(content: Content, channel: TemplateChannel, field: string, locale: string | null): unknown {
  if (!locale) return (content[channel] as Block | undefined)?.[field];
  return (content.locales?.[locale]?.[channel] as Block | undefined)?.[field];
}

/**
 * Sets (or, with `undefined`, clears) one field of the default content or of a locale variant.
 * Clearing a locale field makes it fall back again; empty locale blocks are dropped.
 */
export function setField(content: Content, channel: TemplateChannel, field: string, locale: string | null, value: unknown): Content {
  if (!locale) {
    const block = { ...((content[channel] as Block | undefined) ?? {}) };
    if (value === undefined) delete block[field];
    else block[field] = value;
    return { ...content, [channel]: block };
  }
  const locales = { ...(content.locales ?? {}) };
  const variant: Record<string, Block> = { ...((locales[locale] as Record<string, Block> | undefined) ?? {}) };
  const block = { ...(variant[channel] ?? {}) };
  if (value === undefined) delete block[field];
  else block[field] = value;
  if (Object.keys(block).length > 0) variant[channel] = block;
  else delete variant[channel];
  locales[locale] = variant as LocaleContentDto;
  return { ...content, locales };
}

export function addLocale(content: Content, locale: string): Content {
  if (content.locales && Object.keys(content.locales).some((key) => key.toLowerCase() === locale.toLowerCase())) return content;
  return { ...content, locales: { ...(content.locales ?? {}), [locale]: {} } };
}

export function removeLocale(content: Content, locale: string): Content {
  const locales = { ...(content.locales ?? {}) };
  delete locales[locale];
  const next: Content = { ...content, locales };
  if (Object.keys(locales).length === 0) delete next.locales;
  return next;
}

/** Why a locale key cannot be added, or null. */
export function localeProblem(content: Content, locale: string): string | null {
  const trimmed = locale.trim();
  if (!trimmed) return 'Type a locale such as fr, de or pt-BR.';
  if (!LOCALE_PATTERN.test(trimmed)) return 'A locale is a language code with optional region, such as fr, de or pt-BR.';
  if (localesOf(content).some((key) => key.toLowerCase() === trimmed.toLowerCase()))
    return `${trimmed} is already a variant of this template.`;
  return null;
}

export interface FallbackSummary {
  channel: TemplateChannel;
  field: FieldDef;
  source: FieldSource;
}

/** For a locale variant: every field of every channel and where a profile of that locale gets it from. */
export function localeFallbacks(content: Content, locale: string): FallbackSummary[] {
  return channelsOf(content).flatMap((channel) =>
    CHANNEL_FIELDS[channel]
      .filter((field) => ownValue(content, channel, field.name, null) !== undefined)
      .map((field) => ({ channel, field, source: resolveField(content, channel, field.name, locale).source })),
  );
}

/** The API's path of a field in its errors: `content.email.mjml`, `content.locales.fr.sms.body`. */
export function fieldPath(channel: TemplateChannel, field: string, locale: string | null): string {
  return locale ? `content.locales.${locale}.${channel}.${field}` : `content.${channel}.${field}`;
}
