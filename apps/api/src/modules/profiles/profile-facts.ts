import { IANAZone } from 'luxon';
import type { ContactPointInput } from './contact-points.js';
import { unstorableTextReason } from '../../infra/http/input-rules.js';

export const USER_ID_MAX_LENGTH = 255;

/**
 * Why a userId cannot name a profile, or undefined: it must be 1-255 characters of storable
 * text, and not `.` or `..`, which clients normalise out of `/api/profiles/{userId}` URLs (such a
 * profile could never be read or erased).
 */
export function userIdProblem(userId: string): string | undefined {
  if (userId.trim() === '' || userId.length > USER_ID_MAX_LENGTH) return `must be 1-${USER_ID_MAX_LENGTH} characters`;
  if (userId === '.' || userId === '..') return 'cannot be "." or ".." (they are not addressable in a URL)';
  return unstorableTextReason(userId);
}

/** What a profile learns from traits and an event's context: contact points, timezone, locale. */
export interface ProfileFacts {
  email?: string;
  phone?: string;
  timezone?: string;
  locale?: string;
  contactPoints: ContactPointInput[];
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;
const PHONE = /^\+?[0-9 ()./-]{5,32}$/;
const LOCALE = /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/;

const str = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
const first = (source: Record<string, unknown>, ...keys: string[]) => keys.map((key) => str(source[key])).find(Boolean);

/** Checking a zone builds an Intl formatter (tens of µs): on the ingestion hot path, remember answers. */
const zoneValidity = new Map<string, boolean>();

export function isValidTimezone(zone: string): boolean {
  let valid = zoneValidity.get(zone);
  if (valid === undefined) {
    valid = IANAZone.isValidZone(zone);
    if (zoneValidity.size >= 2000) zoneValidity.clear();
    zoneValidity.set(zone, valid);
  }
  return valid;
}

/** Normalises a phone number to E.164-like digits with a leading + when one was given. */
function normalisePhone(phone: string): string {
  const plus = phone.trim().startsWith('+') ? '+' : '';
  return plus + phone.replace(/[^0-9]/g, '');
}

export function extractProfileFacts(traits: Record<string, unknown>, context: Record<string, unknown> = {}): ProfileFacts {
  const facts: ProfileFacts = { contactPoints: [] };
  const email = first(traits, 'email');
  if (email && EMAIL.test(email) && email.length <= 320) {
    facts.email = email.toLowerCase();
    facts.contactPoints.push({ channel: 'email', value: facts.email });
  }
  const phone = first(traits, 'phone', 'phoneNumber', 'phone_number');
  if (phone && PHONE.test(phone)) {
    facts.phone = normalisePhone(phone);
    facts.contactPoints.push({ channel: 'sms', value: facts.phone });
  }
  const slack = first(traits, 'slackUserId', 'slack_user_id', 'slackId');
  if (slack) facts.contactPoints.push({ channel: 'slack', value: slack });
  const teams = first(traits, 'teamsUserId', 'teams_user_id', 'teamsId');
  if (teams) facts.contactPoints.push({ channel: 'teams', value: teams });

  const device = (typeof context.device === 'object' && context.device !== null ? context.device : {}) as Record<string, unknown>;
  const pushToken = str(device.token);
  if (pushToken && pushToken.length <= 4096) {
    facts.contactPoints.push({ channel: 'push', value: pushToken, metadata: { platform: str(device.type) ?? null } });
  }

  const timezone = first(traits, 'timezone', 'timeZone') ?? str(context.timezone);
  if (timezone && isValidTimezone(timezone)) facts.timezone = timezone;
  const locale = first(traits, 'locale') ?? str(context.locale);
  if (locale && LOCALE.test(locale)) facts.locale = locale.replace('_', '-');
  return facts;
}
