import { randomUUID } from 'node:crypto';
import type { FieldError } from '../../infra/http/errors.js';
import { type QuietHours, quietHoursNeverEnd, WEEKDAYS } from './quiet-hours.js';

export const CAP_SCOPES = ['global', 'channel'] as const;
export const CAP_ACTIONS = ['skip', 'defer'] as const;

/** A global frequency cap per profile: at most `limit` messages per `windowSeconds`, overall or on one channel. */
export interface FrequencyCap {
  id: string;
  scope: (typeof CAP_SCOPES)[number];
  channel?: string;
  limit: number;
  windowSeconds: number;
  action: (typeof CAP_ACTIONS)[number];
}

/** A workspace's delivery settings, as stored in `workspace_settings.delivery` and served at /api/settings. */
export interface DeliverySettings {
  quietHours: QuietHours;
  frequencyCaps: FrequencyCap[];
  /** Least time between two messages to one profile (across journeys and channels). */
  cooldownSeconds?: number;
}

export type DeliverySettingsInput = Omit<DeliverySettings, 'frequencyCaps'> & {
  frequencyCaps: Array<Omit<FrequencyCap, 'id'> & { id?: string }>;
};

export const DEFAULT_DELIVERY_SETTINGS: DeliverySettings = {
  quietHours: { enabled: false, start: '21:00', end: '08:00' },
  frequencyCaps: [],
};

export const MAX_FREQUENCY_CAPS = 50;

/**
 * The checks that span fields (single fields are checked by the DTOs): a channel cap names its
 * channel and a global one does not, cap ids are unique, quiet hours can end.
 */
export function crossFieldErrors(settings: DeliverySettingsInput): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  settings.frequencyCaps.forEach((cap, i) => {
    if (cap.scope === 'channel' && !cap.channel)
      errors.push({ field: `frequencyCaps.${i}.channel`, messages: ['is required when scope is "channel"'] });
    if (cap.scope === 'global' && cap.channel)
      errors.push({ field: `frequencyCaps.${i}.channel`, messages: ['must be left out when scope is "global"'] });
    if (cap.id) {
      if (seen.has(cap.id)) errors.push({ field: `frequencyCaps.${i}.id`, messages: [`"${cap.id}" is used by another cap`] });
      seen.add(cap.id);
    }
  });
  const { quietHours } = settings;
  if (quietHours.enabled && quietHoursNeverEnd(quietHours)) {
    errors.push({
      field: 'quietHours.end',
      messages: ['equals start on every day, so quiet hours would never end; choose days or a different end'],
    });
  }
  return errors;
}

/** Gives new caps an id, puts days in week order, drops empty optional values. */
export function normalise(settings: DeliverySettingsInput): DeliverySettings {
  const { quietHours } = settings;
  const days = quietHours.days ? WEEKDAYS.filter((day) => quietHours.days!.includes(day)) : undefined;
  return {
    quietHours: {
      enabled: quietHours.enabled,
      start: quietHours.start,
      end: quietHours.end,
      ...(days && days.length < WEEKDAYS.length ? { days } : {}),
      ...(quietHours.defaultTimezone ? { defaultTimezone: quietHours.defaultTimezone } : {}),
    },
    frequencyCaps: settings.frequencyCaps.map((cap) => ({
      id: cap.id ?? randomUUID(),
      scope: cap.scope,
      ...(cap.scope === 'channel' ? { channel: cap.channel } : {}),
      limit: cap.limit,
      windowSeconds: cap.windowSeconds,
      action: cap.action,
    })),
    ...(settings.cooldownSeconds ? { cooldownSeconds: settings.cooldownSeconds } : {}),
  };
}

/** A stored document read back, with defaults for anything an older version did not store. */
export function fromStored(stored: Partial<DeliverySettings> | null | undefined): DeliverySettings {
  return {
    quietHours: { ...DEFAULT_DELIVERY_SETTINGS.quietHours, ...(stored?.quietHours ?? {}) },
    frequencyCaps: Array.isArray(stored?.frequencyCaps) ? stored.frequencyCaps : [],
    ...(typeof stored?.cooldownSeconds === 'number' && stored.cooldownSeconds > 0 ? { cooldownSeconds: stored.cooldownSeconds } : {}),
  };
}
