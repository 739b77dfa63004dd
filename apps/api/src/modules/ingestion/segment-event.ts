import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';

/**
 * Segment's HTTP Tracking API event format: validation and normalisation of one event, pure.
 * Limits are Segment's: 32 KB per event, 500 KB and 2,500 events per batch, messageId ≤ 100.
 */
export const EVENT_TYPES = ['track', 'identify', 'page', 'screen', 'group', 'alias'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const LIMITS = {
  eventBytes: 32 * 1024,
  batchBytes: 500 * 1024,
  batchEvents: 2500,
  messageIdLength: 100,
  idLength: 255,
  eventNameLength: 255,
} as const;

export type JsonObject = Record<string, unknown>;

export interface NormalizedEvent {
  type: EventType;
  messageId: string;
  userId: string | null;
  anonymousId: string | null;
  /** track: the event name. */
  event: string | null;
  /** page/screen: the page or screen name. */
  name: string | null;
  groupId: string | null;
  previousId: string | null;
  properties: JsonObject;
  traits: JsonObject;
  context: JsonObject;
  /** When it happened, corrected for client clock skew. */
  timestamp: Date;
  originalTimestamp: Date | null;
  sentAt: Date | null;
  receivedAt: Date;
}

export type NormalizeResult = { ok: true; event: NormalizedEvent } | { ok: false; reason: string };

export interface NormalizeOptions {
  receivedAt: Date;
  /** The endpoint's type (/v1/track …); batch items carry their own `type`. */
  type?: EventType;
  /** A batch's top-level `sentAt` and `context`, applied to its events. */
  batchSentAt?: unknown;
  batchContext?: unknown;
}

class Rejection extends Error {}
const reject = (reason: string): never => {
  throw new Rejection(reason);
};

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

function optionalObject(raw: JsonObject, field: string): JsonObject {
  const value = raw[field];
  if (value === undefined || value === null) return {};
  if (!isObject(value)) reject(`${field} must be an object`);
  return value as JsonObject;
}

/** Segment accepts ids as strings or numbers; numbers become strings. */
function optionalId(raw: JsonObject, field: string): string | null {
  const value = raw[field];
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') reject(`${field} must be a string`);
  const id = (value as string).trim();
  if (id.length === 0) return null;
  if (id.length > LIMITS.idLength) reject(`${field} is longer than ${LIMITS.idLength} characters`);
  return id;
}

/** The shape SDKs send (`toISOString()` and offset forms): date, time to the second, fraction, zone. */
const COMMON_ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:(Z)|([+-])(\d{2}):?(\d{2}))$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Milliseconds of a timestamp in the common shape, or undefined to leave it to the full ISO parser. */
function commonIsoMillis(value: string): number | undefined {
  const m = COMMON_ISO.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1] + (month === 2 && leap ? 1 : 0)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (!m[8]) {
    const [offsetHours, offsetMins] = [Number(m[10]), Number(m[11])];
    if (offsetHours > 23 || offsetMins > 59) return undefined;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const millis = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000 + 1e-6) : 0;
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
}

function optionalDate(value: unknown, field: string): Date | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') reject(`${field} must be an ISO 8601 date string`);
  const invalid = () => reject(`${field} is not a valid ISO 8601 date: ${JSON.stringify(value).slice(0, 60)}`);
  const fast = commonIsoMillis(value as string);
  if (fast !== undefined) {
    const year = Number((value as string).slice(0, 4));
    if (year < 1970 || year > 9999) invalid();
    return new Date(fast);
  }
  const parsed = DateTime.fromISO(value as string, { setZone: true });
  if (!parsed.isValid || parsed.year < 1970 || parsed.year > 9999) invalid();
  return parsed.toJSDate();
}

/** PostgreSQL text and jsonb cannot hold U+0000. */
function assertNoNul(serialized: string): void {
  if (serialized.includes('\\u0000')) reject('contains a NUL (\\u0000) character, which cannot be stored');
}

/**
 * Validates one raw event and returns it normalised, or the reason it is rejected. Each event
 * is all-or-nothing: any invalid field rejects the whole event.
 */
export function normalizeEvent(raw: unknown, options: NormalizeOptions): NormalizeResult {
  try {
    return { ok: true, event: normalizeOrThrow(raw, options) };
  } catch (error) {
    if (error instanceof Rejection) return { ok: false, reason: error.message };
    throw error;
  }
}

function normalizeOrThrow(raw: unknown, options: NormalizeOptions): NormalizedEvent {
  if (!isObject(raw)) reject('an event must be a JSON object');
  const input = raw as JsonObject;
  const serialized = JSON.stringify(input);
  if (Buffer.byteLength(serialized) > LIMITS.eventBytes) reject(`event is larger than ${LIMITS.eventBytes / 1024} KB`);
  assertNoNul(serialized);

  const type = (options.type ?? input.type) as EventType;
  if (options.type && input.type !== undefined && input.type !== options.type)
    reject(`type "${String(input.type)}" does not match the endpoint /v1/${options.type}`);
  if (!EVENT_TYPES.includes(type)) reject(`type must be one of ${EVENT_TYPES.join(', ')}`);

  const userId = optionalId(input, 'userId');
  const anonymousId = optionalId(input, 'anonymousId');
  if (!userId && !anonymousId) reject('userId or anonymousId is required');

  let messageId = input.messageId;
  if (messageId === undefined || messageId === null || messageId === '') messageId = `itn-${randomUUID()}`;
  if (typeof messageId !== 'string') reject('messageId must be a string');
  if ((messageId as string).length > LIMITS.messageIdLength) reject(`messageId is longer than ${LIMITS.messageIdLength} characters`);

  let event: string | null = null;
  if (type === 'track') {
    if (typeof input.event !== 'string' || input.event.trim() === '') reject('event (the event name) is required for track');
    event = (input.event as string).trim();
    if (event.length > LIMITS.eventNameLength) reject(`event is longer than ${LIMITS.eventNameLength} characters`);
  }
  let name: string | null = null;
  if (type === 'page' || type === 'screen') {
    if (input.name !== undefined && input.name !== null && typeof input.name !== 'string') reject('name must be a string');
    name = (input.name as string | undefined) ?? null;
  }
  const groupId = optionalId(input, 'groupId');
  if (type === 'group' && !groupId) reject('groupId is required for group');
  const previousId = optionalId(input, 'previousId');
  if (type === 'alias') {
    if (!previousId) reject('previousId is required for alias');
    if (!userId) reject('userId is required for alias');
  }

  const properties = optionalObject(input, 'properties');
  const context = { ...(isObject(options.batchContext) ? options.batchContext : {}), ...optionalObject(input, 'context') };
  // identify/group traits are top-level; older libraries put identify traits in context.traits.
  let traits = optionalObject(input, 'traits');
  if (type === 'identify' && Object.keys(traits).length === 0 && isObject(context.traits)) traits = context.traits;

  const receivedAt = options.receivedAt;
  const sentAt = optionalDate(input.sentAt ?? options.batchSentAt, 'sentAt');
  const originalTimestamp = optionalDate(
    input.originalTimestamp ?? input.timestamp,
    input.originalTimestamp !== undefined ? 'originalTimestamp' : 'timestamp',
  );

  return {
    type,
    messageId: messageId as string,
    userId,
    anonymousId,
    event,
    name,
    groupId,
    previousId,
    properties,
    traits,
    context,
    timestamp: correctedTimestamp(originalTimestamp, sentAt, receivedAt),
    originalTimestamp,
    sentAt,
    receivedAt,
  };
}

/**
 * Segment's clock-skew correction: when the client says both when the event happened and when it
 * sent it (same clock), the server time is receivedAt − (sentAt − originalTimestamp). Without
 * sentAt (e.g. a historical import) the given timestamp stands; without either, receivedAt.
 */
export function correctedTimestamp(originalTimestamp: Date | null, sentAt: Date | null, receivedAt: Date): Date {
  if (originalTimestamp && sentAt) return new Date(receivedAt.getTime() - (sentAt.getTime() - originalTimestamp.getTime()));
  return originalTimestamp ?? receivedAt;
}
