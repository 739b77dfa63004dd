import { createHash } from 'node:crypto';
import type { FieldError } from '../../infra/http/errors.js';

/** What Itinera does with a Courier-shaped `POST /send` body, once validated. */
export interface SendCommand {
  userId: string;
  /** A template key, or a journey name/id (then `data` becomes the invocation's event properties). */
  target: string;
  data: Record<string, unknown>;
  routing: { method: 'single' | 'all'; channels: string[] } | null;
  topic: string | null;
  tags: string[];
  /** Deliver no earlier than this (Courier's `delay`). */
  notBefore: Date | null;
}

/** Courier fields Itinera accepts and ignores (they configure Courier features Itinera does not have). */
const IGNORED = new Set(['brand_id', 'channels', 'providers', 'timeout', 'expiry', 'context']);
const KNOWN = new Set(['to', 'template', 'data', 'routing', 'metadata', 'preferences', 'delay', 'content', ...IGNORED]);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Validates Courier's body shape `{ message: { to: { user_id }, template, data, routing,
 * preferences: { subscription_topic_id }, metadata: { tags }, delay } }` and returns every
 * problem with its field path, or the command.
 */
export function parseSendBody(body: unknown, now = new Date()): { ok: true; command: SendCommand } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const fail = (field: string, message: string) => errors.push({ field, messages: [message] });
  if (!isObject(body) || !isObject(body.message)) {
    return {
      ok: false,
      errors: [{ field: 'message', messages: ['is required: { "message": { "to": { "user_id": "…" }, "template": "…" } }'] }],
    };
  }
  const message = body.message;
  for (const key of Object.keys(body)) if (key !== 'message') fail(key, 'is not a known field');
  for (const key of Object.keys(message)) if (!KNOWN.has(key)) fail(`message.${key}`, 'is not a known field');
  if (message.content !== undefined) fail('message.content', 'inline content is not supported: create a template and send it by key');

  let userId = '';
  if (Array.isArray(message.to)) fail('message.to', 'must be one recipient; send one request per user');
  else if (!isObject(message.to)) fail('message.to', 'is required, e.g. { "user_id": "u1" }');
  else if (typeof message.to.user_id !== 'string' || message.to.user_id.trim() === '' || message.to.user_id.length > 255) {
    fail('message.to.user_id', 'is required: the userId of a profile (1-255 characters)');
  } else userId = message.to.user_id;

  let target = '';
  if (typeof message.template !== 'string' || message.template.trim() === '' || message.template.length > 200) {
    fail('message.template', 'is required: a template key or a journey');
  } else target = message.template;

  if (message.data !== undefined && message.data !== null && !isObject(message.data)) fail('message.data', 'must be an object');
  if (JSON.stringify(message).length > 256 * 1024) fail('message', 'is larger than 256 KB');

  let routing: SendCommand['routing'] = null;
  if (message.routing !== undefined && message.routing !== null) {
    const r = message.routing;
    if (!isObject(r) || (r.method !== 'single' && r.method !== 'all')) fail('message.routing.method', 'must be "single" or "all"');
    else if (
      !Array.isArray(r.channels) ||
      r.channels.length === 0 ||
      !r.channels.every((c) => typeof c === 'string' && c.length > 0 && c.length <= 64)
    ) {
      fail('message.routing.channels', 'must be a non-empty list of channel names, e.g. ["email", "sms"]');
    } else routing = { method: r.method, channels: [...new Set(r.channels as string[])] };
  }

  let topic: string | null = null;
  if (message.preferences !== undefined && message.preferences !== null) {
    const p = message.preferences;
    if (!isObject(p) || typeof p.subscription_topic_id !== 'string' || p.subscription_topic_id === '') {
      fail('message.preferences.subscription_topic_id', 'must be a topic key');
    } else topic = p.subscription_topic_id;
  }

  let tags: string[] = [];
  if (message.metadata !== undefined && message.metadata !== null) {
    const m = message.metadata;
    if (!isObject(m)) fail('message.metadata', 'must be an object');
    else if (m.tags !== undefined && m.tags !== null) {
      if (!Array.isArray(m.tags) || !m.tags.every((t) => typeof t === 'string')) fail('message.metadata.tags', 'must be a list of strings');
      else tags = m.tags as string[];
    }
  }

  let notBefore: Date | null = null;
  if (message.delay !== undefined && message.delay !== null) {
    const d = message.delay;
    if (!isObject(d)) fail('message.delay', 'must be an object');
    else if (d.duration !== undefined && d.duration !== null) {
      if (typeof d.duration !== 'number' || !Number.isFinite(d.duration) || d.duration < 0 || d.duration > 365 * 86_400_000) {
        fail('message.delay.duration', 'must be milliseconds between 0 and one year');
      } else notBefore = new Date(now.getTime() + d.duration);
    } else if (d.until !== undefined && d.until !== null) {
      const until = typeof d.until === 'string' ? new Date(d.until) : new Date(NaN);
      if (Number.isNaN(until.getTime())) fail('message.delay.until', 'must be an ISO 8601 date');
      else notBefore = until;
    }
  }

  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, command: { userId, target, data: (message.data as Record<string, unknown>) ?? {}, routing, topic, tags, notBefore } };
}

/** A stable hash of a JSON body (key order ignored), to tell a retried request from a different one. */
export function bodyHash(value: unknown): string {
  return createHash('sha256').update(stableStringify(value)).digest('hex');
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (isObject(value))
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify(value[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}
