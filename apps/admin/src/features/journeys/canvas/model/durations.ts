/** Durations as people type them ("3 days", "1h 30m", "90 minutes") and as the journey stores them (seconds). */

const UNITS: Array<{ seconds: number; names: string[]; singular: string; plural: string }> = [
  { seconds: 604_800, names: ['w', 'wk', 'wks', 'week', 'weeks'], singular: 'week', plural: 'weeks' },
  { seconds: 86_400, names: ['d', 'day', 'days'], singular: 'day', plural: 'days' },
  { seconds: 3_600, names: ['h', 'hr', 'hrs', 'hour', 'hours'], singular: 'hour', plural: 'hours' },
  { seconds: 60, names: ['m', 'min', 'mins', 'minute', 'minutes'], singular: 'minute', plural: 'minutes' },
  { seconds: 1, names: ['s', 'sec', 'secs', 'second', 'seconds'], singular: 'second', plural: 'seconds' },
];

const BY_NAME = new Map(UNITS.flatMap((unit) => unit.names.map((name) => [name, unit.seconds] as const)));

/**
 * Seconds in a typed duration: one or more "<number> <unit>" parts ("3 days", "1h 30m",
 * "1 day and 2 hours", "1.5 hours"); a bare number is seconds. A leading "-" or a trailing
 * "before" makes it negative (offsets before a date). Returns null when the text is not a duration.
 */
export function parseDuration(text: string): number | null {
  let input = text.trim().toLowerCase();
  if (input === '') return null;
  let sign = 1;
  if (input.startsWith('-')) {
    sign = -1;
    input = input.slice(1).trim();
  } else if (input.endsWith(' before')) {
    sign = -1;
    input = input.slice(0, -' before'.length).trim();
  } else if (input.endsWith(' after')) {
    input = input.slice(0, -' after'.length).trim();
  }
  if (/^\d+$/.test(input)) return sign * Number(input);
  const parts = input.replace(/,|\band\b/g, ' ').trim();
  const pattern = /(\d+(?:\.\d+)?)\s*([a-z]+)/g;
  let total = 0;
  let consumed = '';
  for (const match of parts.matchAll(pattern)) {
    const unit = BY_NAME.get(match[2]);
    if (unit === undefined) return null;
    total += Number(match[1]) * unit;
    consumed += match[0];
  }
  if (consumed.replace(/\s/g, '') !== parts.replace(/\s/g, '') || consumed === '') return null;
  return sign * Math.round(total);
}

/** "3 days", "1 hour 30 minutes", "45 seconds"; negative values read "1 day before". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '';
  if (seconds === 0) return '0 seconds';
  let rest = Math.abs(Math.round(seconds));
  const parts: string[] = [];
  for (const unit of UNITS) {
    // Weeks only when the duration is a whole number of them: "10 days" reads better than "1 week 3 days".
    if (unit.seconds === 604_800 && rest % 604_800 !== 0) continue;
    const count = Math.floor(rest / unit.seconds);
    if (count > 0) {
      parts.push(`${count} ${count === 1 ? unit.singular : unit.plural}`);
      rest -= count * unit.seconds;
    }
  }
  const text = parts.join(' ');
  return seconds < 0 ? `${text} before` : text;
}
