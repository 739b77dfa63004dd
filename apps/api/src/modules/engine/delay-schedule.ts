import { DateTime, IANAZone } from 'luxon';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export type DelayConfig =
  { seconds: number } | { until: { time: string; timezone?: string; days?: string[] } } | { untilTrait: string; offsetSeconds?: number };

export interface DelayContext {
  now: Date;
  profileTimezone: string | null;
  workspaceTimezone: string;
  traits: Record<string, unknown>;
}

/**
 * When a `delay` node releases a run. Local times are computed in the profile's zone (the
 * workspace's when the profile has none) and are DST-correct: a wall time that does not exist
 * that day (spring forward) resolves to the first valid instant after it; one that happens twice
 * (fall back) to its first occurrence. A trait date in the past releases at once.
 */
export function delayUntil(config: DelayConfig, ctx: DelayContext): Date {
  if ('seconds' in config) return new Date(ctx.now.getTime() + Math.max(0, config.seconds) * 1000);
  if ('until' in config) return nextLocalTime(config.until, ctx);
  const value = ctx.traits[config.untilTrait];
  const at =
    typeof value === 'number'
      ? DateTime.fromMillis(value)
      : typeof value === 'string'
        ? DateTime.fromISO(value, { setZone: true })
        : DateTime.invalid('missing');
  if (!at.isValid) throw new Error(`trait "${config.untilTrait}" is not a date (ISO 8601 or epoch milliseconds)`);
  const due = at.toMillis() + (config.offsetSeconds ?? 0) * 1000;
  return new Date(Math.max(due, ctx.now.getTime()));
}

function nextLocalTime(until: { time: string; timezone?: string; days?: string[] }, ctx: DelayContext): Date {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(until.time);
  if (!match) throw new Error(`time "${until.time}" is not HH:MM`);
  const zone = !until.timezone || until.timezone === 'profile' ? (ctx.profileTimezone ?? ctx.workspaceTimezone) : until.timezone;
  const effectiveZone = IANAZone.isValidZone(zone) ? zone : ctx.workspaceTimezone;
  const days = until.days?.length ? new Set(until.days) : undefined;
  const now = DateTime.fromJSDate(ctx.now, { zone: effectiveZone });
  for (let offset = 0; offset <= 8; offset += 1) {
    const day = now.plus({ days: offset });
    const candidate = wallTime(day.year, day.month, day.day, Number(match[1]), Number(match[2]), effectiveZone);
    if (candidate.toMillis() <= ctx.now.getTime()) continue;
    if (days && !days.has(WEEKDAYS[candidate.setZone(effectiveZone).weekday - 1])) continue;
    return candidate.toJSDate();
  }
  throw new Error('no allowed day within a week');
}

/** A wall-clock time in a zone; inside a DST gap, the first valid instant after it. */
function wallTime(year: number, month: number, day: number, hour: number, minute: number, zone: string): DateTime {
  const dt = DateTime.fromObject({ year, month, day, hour, minute }, { zone });
  if (dt.hour === hour && dt.minute === minute) return dt;
  // Luxon moved a non-existent time; the gap ends at the next whole hour of the new offset.
  return DateTime.fromObject({ year, month, day, hour: dt.hour, minute: 0 }, { zone });
}
