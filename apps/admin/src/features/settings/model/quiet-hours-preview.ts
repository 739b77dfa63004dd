/**
 * Quiet hours in words, as the delivery pipeline applies them (apps/api settings/quiet-hours):
 * local times in the profile's zone; a window starts on each chosen day and ends the next day
 * when `end` is not after `start` (a whole day when they are equal); back-to-back windows are
 * followed to their real end.
 */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const WEEKDAY_NAMES: Record<Weekday, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

export interface QuietHoursLike {
  enabled: boolean;
  start: string;
  end: string;
  days?: Weekday[] | null;
}

const DAY = 1440;
const WEEK = 7 * DAY;
const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function parseClock(value: string): number | null {
  const match = CLOCK.exec(value);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

const clock = (minutes: number) => {
  const m = ((minutes % DAY) + DAY) % DAY;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
};

function activeDays(quietHours: QuietHoursLike): Weekday[] {
  return quietHours.days && quietHours.days.length > 0 ? WEEKDAYS.filter((d) => quietHours.days!.includes(d)) : [...WEEKDAYS];
}

/** The windows of one week, as [from, until) minutes since Monday 00:00 (until may pass the week's end). */
function windows(quietHours: QuietHoursLike, start: number, end: number): Array<[number, number]> {
  return activeDays(quietHours).map((day) => {
    const from = WEEKDAYS.indexOf(day) * DAY + start;
    return [from, from + (end > start ? end - start : DAY - start + end)];
  });
}

export interface QuietHoursOutcome {
  deferred: boolean;
  /** When the send goes out, as a local day and time. */
  until?: { day: Weekday; time: string; dayOffset: number };
}

/** Whether a send at a local `time` on `day` waits for the end of quiet hours, and until when. */
export function quietHoursOutcome(quietHours: QuietHoursLike, day: Weekday, time: string): QuietHoursOutcome {
  const start = parseClock(quietHours.start);
  const end = parseClock(quietHours.end);
  const at = parseClock(time);
  if (!quietHours.enabled || start === null || end === null || at === null) return { deferred: false };
  const sendAt = WEEKDAYS.indexOf(day) * DAY + at;
  const list = windows(quietHours, start, end).flatMap(([from, until]) => [
    [from - WEEK, until - WEEK],
    [from, until],
    [from + WEEK, until + WEEK],
  ]);
  let resume: number | null = null;
  let cursor = sendAt;
  for (let guard = 0; guard < 16; guard += 1) {
    const holding = list.find(([from, until]) => from <= cursor && cursor < until);
    if (!holding) break;
    resume = holding[1];
    cursor = holding[1];
  }
  if (resume === null) return { deferred: false };
  const dayOffset = Math.floor(resume / DAY) - Math.floor(sendAt / DAY);
  const weekday = WEEKDAYS[((Math.floor(resume / DAY) % 7) + 7) % 7];
  return { deferred: true, until: { day: weekday, time: clock(resume), dayOffset } };
}

/** "A send at 22:00 in Europe/Berlin is deferred to 08:00 the next day." */
export function quietHoursSentence(quietHours: QuietHoursLike, day: Weekday, time: string, zone: string): string {
  if (!quietHours.enabled) return 'Quiet hours are off: messages go out at once, at any hour.';
  const everyDay = activeDays(quietHours).length === 7;
  const when = everyDay ? `at ${time}` : `at ${time} on ${WEEKDAY_NAMES[day]}`;
  const outcome = quietHoursOutcome(quietHours, day, time);
  if (!outcome.deferred || !outcome.until) return `A send ${when} in ${zone} goes out at once.`;
  const { until } = outcome;
  const later = until.dayOffset === 0 ? ' the same day' : until.dayOffset === 1 ? ' the next day' : ` on ${WEEKDAY_NAMES[until.day]}`;
  const target = everyDay || until.dayOffset <= 1 ? `${until.time}${later}` : `${until.time} on ${WEEKDAY_NAMES[until.day]}`;
  return `A send ${when} in ${zone} is deferred to ${target}.`;
}

/** "21:00–08:00 (ending the next day), every day" */
export function quietHoursSummary(quietHours: QuietHoursLike): string {
  if (!quietHours.enabled) return 'Off';
  const days = activeDays(quietHours);
  const start = parseClock(quietHours.start) ?? 0;
  const end = parseClock(quietHours.end) ?? 0;
  const span = start === end ? 'all day' : `${quietHours.start}–${quietHours.end}${end < start ? ' (ending the next day)' : ''}`;
  const on = days.length === 7 ? 'every day' : days.map((d) => WEEKDAY_NAMES[d].slice(0, 3)).join(', ');
  return `${span}, ${on}`;
}
