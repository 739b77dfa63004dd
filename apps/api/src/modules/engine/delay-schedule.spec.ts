import { delayUntil } from './delay-schedule.js';

const base = { profileTimezone: null, workspaceTimezone: 'UTC', traits: {} };
const at = (iso: string) => new Date(iso);

describe('delayUntil', () => {
  it('waits a number of seconds', () => {
    expect(delayUntil({ seconds: 90 }, { ...base, now: at('2026-01-01T00:00:00Z') }).toISOString()).toBe('2026-01-01T00:01:30.000Z');
  });

  it('waits until the next local time in the profile zone, today or tomorrow', () => {
    const ctx = { ...base, profileTimezone: 'Europe/Paris', now: at('2026-06-10T05:00:00Z') }; // 07:00 in Paris (UTC+2)
    expect(delayUntil({ until: { time: '09:00', timezone: 'profile' } }, ctx).toISOString()).toBe('2026-06-10T07:00:00.000Z');
    const later = { ...ctx, now: at('2026-06-10T08:00:00Z') }; // 10:00 in Paris
    expect(delayUntil({ until: { time: '09:00', timezone: 'profile' } }, later).toISOString()).toBe('2026-06-11T07:00:00.000Z');
  });

  it('falls back to the workspace zone, and honours an explicit zone', () => {
    const ctx = { ...base, workspaceTimezone: 'America/New_York', now: at('2026-01-15T12:00:00Z') }; // 07:00 EST
    expect(delayUntil({ until: { time: '09:00', timezone: 'profile' } }, ctx).toISOString()).toBe('2026-01-15T14:00:00.000Z');
    expect(delayUntil({ until: { time: '09:00', timezone: 'Asia/Kathmandu' } }, ctx).toISOString()).toBe('2026-01-16T03:15:00.000Z');
  });

  it('is DST-correct across the spring-forward and fall-back changes', () => {
    // Europe/Paris springs forward on 2026-03-29: 09:00 that day is UTC+2.
    const spring = delayUntil({ until: { time: '09:00', timezone: 'Europe/Paris' } }, { ...base, now: at('2026-03-28T10:00:00Z') });
    expect(spring.toISOString()).toBe('2026-03-29T07:00:00.000Z');
    // 02:30 does not exist on 2026-03-29 in Paris: the first valid instant after it is 03:00 (UTC+2).
    const gap = delayUntil({ until: { time: '02:30', timezone: 'Europe/Paris' } }, { ...base, now: at('2026-03-28T12:00:00Z') });
    expect(gap.toISOString()).toBe('2026-03-29T01:00:00.000Z');
    // New York falls back on 2026-11-01: 09:00 that day is UTC-5.
    const fall = delayUntil({ until: { time: '09:00', timezone: 'America/New_York' } }, { ...base, now: at('2026-10-31T14:00:00Z') });
    expect(fall.toISOString()).toBe('2026-11-01T14:00:00.000Z');
    // Southern hemisphere: Sydney leaves daylight time on 2026-04-05.
    const sydney = delayUntil({ until: { time: '09:00', timezone: 'Australia/Sydney' } }, { ...base, now: at('2026-04-04T23:30:00Z') });
    expect(sydney.toISOString()).toBe('2026-04-05T23:00:00.000Z');
  });

  it('skips to the next allowed weekday', () => {
    // 2026-06-12 is a Friday; Monday 09:00 UTC is 2026-06-15.
    const next = delayUntil(
      { until: { time: '09:00', timezone: 'UTC', days: ['mon', 'tue'] } },
      { ...base, now: at('2026-06-12T10:00:00Z') },
    );
    expect(next.toISOString()).toBe('2026-06-15T09:00:00.000Z');
  });

  it('waits until a profile date attribute plus an offset; past dates release at once', () => {
    const ctx = {
      ...base,
      now: at('2026-05-01T00:00:00Z'),
      traits: { trial_ends_at: '2026-05-10T12:00:00Z', old: '2020-01-01', bad: 'soon' },
    };
    expect(delayUntil({ untilTrait: 'trial_ends_at', offsetSeconds: -86_400 }, ctx).toISOString()).toBe('2026-05-09T12:00:00.000Z');
    expect(delayUntil({ untilTrait: 'old' }, ctx).toISOString()).toBe('2026-05-01T00:00:00.000Z');
    expect(() => delayUntil({ untilTrait: 'bad' }, ctx)).toThrow(/not a date/);
  });
});
