import { WEEKDAYS, type Weekday } from '@itinera/journey-model';
import { IANAZone } from 'luxon';

/** A workspace's quiet hours: local wall-clock times in the profile's zone. */
export interface QuietHours {
  enabled: boolean;
  /** `HH:MM`, 24-hour clock. */
  start: string;
  /** `HH:MM`; earlier than (or equal to) `start` means the window ends the next day. */
  end: string;
  /** Days on which a window *starts* (a 21:00→08:00 window on `fri` runs into Saturday). Default: every day. */
  days?: Weekday[];
  /** Zone for profiles without a timezone; falls back to the workspace's default time zone. */
  defaultTimezone?: string;
}

const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$/;
const MINUTE = 60_000;
const DAY = 86_400_000;

/** Minutes since midnight of an `HH:MM` string, or null when it is not one. */
export function parseClock(value: string): number | null {
  const match = CLOCK.exec(value);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

/** True when quiet hours with these values could never end (a whole-day window on every day). */
export function quietHoursNeverEnd(quietHours: Pick<QuietHours, 'start' | 'end' | 'days'>): boolean {
  const days = quietHours.days && quietHours.days.length > 0 ? new Set(quietHours.days) : new Set(WEEKDAYS);
  return quietHours.start === quietHours.end && days.size === WEEKDAYS.length;
}

/**
 * The zone a profile's local times are computed in: its own timezone, else the quiet-hours
 * default, else the workspace's default, else UTC. Invalid zones are skipped.
 */
export function zoneFor(
  profileTimezone: string | null | undefined,
  settings: { quietHours?: Pick<QuietHours, 'defaultTimezone'> } | null | undefined,
  workspaceDefault: string,
): string {
  for (const zone of [profileTimezone, settings?.quietHours?.defaultTimezone, workspaceDefault]) {
    if (zone && IANAZone.isValidZone(zone)) return zone;
  }
  return 'UTC';
}

/**
 * When a non-urgent message may be sent: null when `now` is outside quiet hours (or they are
 * disabled), else the first instant at which quiet hours end in `zone`. Windows crossing
 * midnight, weekday restrictions and back-to-back windows (a window ending where the next
 * starts) are followed to their real end. Local times are resolved DST-correctly: a time that
 * does not exist (inside a spring-forward gap) resolves to the first valid instant after the
 * gap; a time that occurs twice (fall-back overlap) resolves to its first occurrence. An
 * invalid zone is treated as UTC.
 */
export function nextAllowedSendTime(quietHours: QuietHours, zone: string, now: Date): Date | null {
  if (!quietHours.enabled) return null;
  const start = parseClock(quietHours.start);
  const end = parseClock(quietHours.end);
  if (start === null || end === null) return null;
  const tz = IANAZone.create(IANAZone.isValidZone(zone) ? zone : 'UTC');
  const days = new Set<Weekday>(quietHours.days && quietHours.days.length > 0 ? quietHours.days : WEEKDAYS);
  const at = now.getTime();

  const today = Math.floor(localWall(tz, at) / DAY);
  const windowOf = (day: number): { from: number; until: number } | null => {
    if (!days.has(weekdayOf(day))) return null;
    const from = resolveWall(tz, day * DAY + start * MINUTE);
    const until = resolveWall(tz, (day + (end <= start ? 1 : 0)) * DAY + end * MINUTE);
    return until > from ? { from, until } : null;
  };

  // A window is at most a day long, so only yesterday's or today's can hold `now`; from there,
  // windows that start exactly where the previous one ends are followed day by day.
  let resume: number | null = null;
  let cursor = at;
  for (let day = today - 1; day <= today + 7; day += 1) {
    const window = windowOf(day);
    if (window && window.from <= cursor && cursor < window.until) {
      resume = window.until;
      cursor = window.until;
    } else if (day >= today && (!window || window.from > cursor)) {
      break;
    }
  }
  return resume === null ? null : new Date(resume);
}

/** Wall-clock time in `zone` at instant `at`, as milliseconds since the epoch of a UTC calendar. */
function localWall(zone: IANAZone, at: number): number {
  return at + zone.offset(at) * MINUTE;
}

function weekdayOf(day: number): Weekday {
  return WEEKDAYS[(new Date(day * DAY).getUTCDay() + 6) % 7];
}

/**
 * The instant at which the wall-clock time `wall` (ms of a UTC calendar) happens in `zone`:
 * the earliest one when it happens twice; the end of the gap when it does not happen at all.
 */
export function resolveWall(zone: IANAZone, wall: number): number {
  const before = zone.offset(wall - DAY);
  const after = zone.offset(wall + DAY);
  // No transition within a day either side (the usual case): the one offset applies.
  if (before === after && zone.offset(wall - before * MINUTE) === before) return wall - before * MINUTE;
  const offsets = [...new Set([before, zone.offset(wall), after])];
  const valid = offsets.map((offset) => wall - offset * MINUTE).filter((t) => localWall(zone, t) === wall);
  if (valid.length > 0) return Math.min(...valid);
  // Inside a gap: the first instant whose local time is at or after `wall` is the transition.
  let lo = wall - Math.max(...offsets) * MINUTE;
  let hi = wall - Math.min(...offsets) * MINUTE;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (localWall(zone, mid) >= wall) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
