import { IANAZone } from 'luxon';
import { nextAllowedSendTime, parseClock, type QuietHours, quietHoursNeverEnd, resolveWall, zoneFor } from './quiet-hours.js';

const quiet = (start: string, end: string, extra: Partial<QuietHours> = {}): QuietHours => ({ enabled: true, start, end, ...extra });
const next = (hours: QuietHours, zone: string, now: string) => nextAllowedSendTime(hours, zone, new Date(now))?.toISOString() ?? null;

describe('nextAllowedSendTime', () => {
  it('allows everything when quiet hours are disabled', () => {
    expect(next({ ...quiet('00:00', '23:59'), enabled: false }, 'Europe/Paris', '2026-01-14T12:00:00Z')).toBeNull();
  });

  it('defers inside a same-day window to its end; start is inclusive, end exclusive', () => {
    const lunch = quiet('12:00', '14:00');
    expect(next(lunch, 'Europe/Paris', '2026-01-14T11:30:00Z')).toBe('2026-01-14T13:00:00.000Z'); // 12:30 CET
    expect(next(lunch, 'Europe/Paris', '2026-01-14T11:00:00Z')).toBe('2026-01-14T13:00:00.000Z'); // 12:00 sharp
    expect(next(lunch, 'Europe/Paris', '2026-01-14T13:00:00Z')).toBeNull(); // 14:00 sharp
    expect(next(lunch, 'Europe/Paris', '2026-01-14T10:59:59Z')).toBeNull();
  });

  it('follows a window across midnight (21:00 → 08:00)', () => {
    const night = quiet('21:00', '08:00');
    expect(next(night, 'Europe/Paris', '2026-01-14T22:00:00Z')).toBe('2026-01-15T07:00:00.000Z'); // 23:00 → 08:00 CET
    expect(next(night, 'Europe/Paris', '2026-01-15T02:00:00Z')).toBe('2026-01-15T07:00:00.000Z'); // 03:00, after midnight
    expect(next(night, 'Europe/Paris', '2026-01-14T19:59:00Z')).toBeNull(); // 20:59
    expect(next(night, 'Europe/Paris', '2026-01-15T07:00:00Z')).toBeNull(); // 08:00
  });

  describe('Europe/Paris across DST changes', () => {
    it('spring forward: the night window is an hour shorter and ends at 08:00 CEST', () => {
      // 28 → 29 March 2026: 02:00 CET jumps to 03:00 CEST (01:00Z).
      expect(next(quiet('21:00', '08:00'), 'Europe/Paris', '2026-03-28T21:00:00Z')).toBe('2026-03-29T06:00:00.000Z');
    });

    it('an end time inside the spring-forward gap resolves to the first valid instant after it (03:00 CEST)', () => {
      const hours = quiet('22:00', '02:30');
      expect(next(hours, 'Europe/Paris', '2026-03-28T22:00:00Z')).toBe('2026-03-29T01:00:00.000Z');
      expect(next(hours, 'Europe/Paris', '2026-03-29T00:59:59Z')).toBe('2026-03-29T01:00:00.000Z'); // 01:59:59 CET
      expect(next(hours, 'Europe/Paris', '2026-03-29T01:00:00Z')).toBeNull(); // 03:00 CEST
    });

    it('a start time inside the gap starts the window when the gap ends', () => {
      const hours = quiet('02:30', '06:00');
      expect(next(hours, 'Europe/Paris', '2026-03-29T00:59:00Z')).toBeNull(); // 01:59 CET
      expect(next(hours, 'Europe/Paris', '2026-03-29T01:00:00Z')).toBe('2026-03-29T04:00:00.000Z'); // 03:00 CEST → 06:00 CEST
    });

    it('fall back: the night window is an hour longer and ends at 08:00 CET', () => {
      // 24 → 25 October 2026: 03:00 CEST falls back to 02:00 CET (01:00Z).
      const night = quiet('21:00', '08:00');
      expect(next(night, 'Europe/Paris', '2026-10-24T19:00:00Z')).toBe('2026-10-25T07:00:00.000Z');
      expect(next(night, 'Europe/Paris', '2026-10-25T01:30:00Z')).toBe('2026-10-25T07:00:00.000Z');
    });

    it('a time that happens twice resolves to its first occurrence', () => {
      const hours = quiet('01:00', '02:30');
      expect(next(hours, 'Europe/Paris', '2026-10-24T23:30:00Z')).toBe('2026-10-25T00:30:00.000Z'); // 02:30 CEST
      expect(next(hours, 'Europe/Paris', '2026-10-25T00:45:00Z')).toBeNull(); // 02:45 CEST
      expect(next(hours, 'Europe/Paris', '2026-10-25T01:10:00Z')).toBeNull(); // 02:10 CET, the repeat
    });
  });

  describe('America/New_York across DST changes', () => {
    it('spring forward (8 March 2026): 22:00 EST → 07:00 EDT', () => {
      expect(next(quiet('22:00', '07:00'), 'America/New_York', '2026-03-08T04:00:00Z')).toBe('2026-03-08T11:00:00.000Z');
    });

    it('an end at 02:15, which does not exist that night, resolves to 03:00 EDT', () => {
      expect(next(quiet('20:00', '02:15'), 'America/New_York', '2026-03-08T06:00:00Z')).toBe('2026-03-08T07:00:00.000Z');
    });

    it('fall back (1 November 2026): 01:30 happens twice; quiet hours end at the first', () => {
      const hours = quiet('00:00', '01:30');
      expect(next(hours, 'America/New_York', '2026-11-01T04:15:00Z')).toBe('2026-11-01T05:30:00.000Z');
      expect(next(quiet('22:00', '07:00'), 'America/New_York', '2026-11-01T06:30:00Z')).toBe('2026-11-01T12:00:00.000Z'); // 07:00 EST
    });
  });

  describe('Australia/Sydney (southern hemisphere)', () => {
    it('DST starts in October: 22:00 AEST → 07:00 AEDT', () => {
      // 4 October 2026: 02:00 AEST jumps to 03:00 AEDT (3 October 16:00Z).
      expect(next(quiet('22:00', '07:00'), 'Australia/Sydney', '2026-10-03T15:00:00Z')).toBe('2026-10-03T20:00:00.000Z');
      expect(next(quiet('22:00', '02:30'), 'Australia/Sydney', '2026-10-03T15:30:00Z')).toBe('2026-10-03T16:00:00.000Z');
    });

    it('DST ends in April: 22:00 AEDT → 07:00 AEST', () => {
      // 5 April 2026: 03:00 AEDT falls back to 02:00 AEST (4 April 16:00Z).
      expect(next(quiet('22:00', '07:00'), 'Australia/Sydney', '2026-04-04T11:00:00Z')).toBe('2026-04-04T21:00:00.000Z');
      expect(next(quiet('22:00', '07:00'), 'Australia/Sydney', '2026-04-04T17:00:00Z')).toBe('2026-04-04T21:00:00.000Z');
    });

    it('in January (summer there) the offset is +11', () => {
      expect(next(quiet('12:00', '13:00'), 'Australia/Sydney', '2026-01-14T01:30:00Z')).toBe('2026-01-14T02:00:00.000Z');
    });
  });

  it('works with a +05:45 zone (Asia/Kathmandu)', () => {
    const night = quiet('22:00', '06:00');
    expect(next(night, 'Asia/Kathmandu', '2026-06-10T16:14:00Z')).toBeNull(); // 21:59
    expect(next(night, 'Asia/Kathmandu', '2026-06-10T16:15:00Z')).toBe('2026-06-11T00:15:00.000Z'); // 22:00 → 06:00
    expect(next(night, 'Asia/Kathmandu', '2026-06-10T23:00:00Z')).toBe('2026-06-11T00:15:00.000Z'); // 04:45
  });

  describe('weekdays', () => {
    const weeknights = quiet('21:00', '08:00', { days: ['mon', 'tue', 'wed', 'thu', 'fri'] });

    it('a window belongs to the day it starts on', () => {
      expect(next(weeknights, 'Europe/Paris', '2026-01-16T22:00:00Z')).toBe('2026-01-17T07:00:00.000Z'); // Friday night → Saturday 08:00
      expect(next(weeknights, 'Europe/Paris', '2026-01-17T02:00:00Z')).toBe('2026-01-17T07:00:00.000Z'); // Saturday 03:00, still Friday's window
      expect(next(weeknights, 'Europe/Paris', '2026-01-17T22:00:00Z')).toBeNull(); // Saturday night
      expect(next(weeknights, 'Europe/Paris', '2026-01-19T02:00:00Z')).toBeNull(); // Monday 03:00 belongs to Sunday night
      expect(next(weeknights, 'Europe/Paris', '2026-01-19T21:00:00Z')).toBe('2026-01-20T07:00:00.000Z'); // Monday 22:00
    });

    it('days are those of the profile zone, not UTC', () => {
      // Friday 23:30 UTC is already Saturday 10:30 in Sydney.
      const saturdays = quiet('09:00', '12:00', { days: ['sat'] });
      expect(next(saturdays, 'Australia/Sydney', '2026-01-16T23:30:00Z')).toBe('2026-01-17T01:00:00.000Z');
      expect(next(saturdays, 'UTC', '2026-01-16T23:30:00Z')).toBeNull();
    });

    it('back-to-back windows are followed to their real end', () => {
      const weekend = quiet('00:00', '00:00', { days: ['sat', 'sun'] }); // equal times: the whole day
      expect(next(weekend, 'Europe/Paris', '2026-01-17T09:00:00Z')).toBe('2026-01-18T23:00:00.000Z'); // Monday 00:00 CET
      const weekendMornings = quiet('08:00', '08:00', { days: ['sat', 'sun'] });
      expect(next(weekendMornings, 'Europe/Paris', '2026-01-17T11:00:00Z')).toBe('2026-01-19T07:00:00.000Z'); // Monday 08:00
      expect(next(weekendMornings, 'Europe/Paris', '2026-01-17T06:00:00Z')).toBeNull(); // Saturday 07:00
    });
  });

  it('answers the first allowed instant, every 29 minutes through the DST weeks of several zones', () => {
    const cases: Array<[string, string]> = [
      ['Europe/Paris', '2026-03-26T00:00:00Z'],
      ['Europe/Paris', '2026-10-22T00:00:00Z'],
      ['America/New_York', '2026-03-05T00:00:00Z'],
      ['America/New_York', '2026-10-29T00:00:00Z'],
      ['Australia/Sydney', '2026-04-02T00:00:00Z'],
      ['Australia/Sydney', '2026-10-01T00:00:00Z'],
      ['Australia/Lord_Howe', '2026-10-01T00:00:00Z'], // a 30-minute DST shift
      ['Asia/Kathmandu', '2026-03-26T00:00:00Z'],
    ];
    const windows = [
      quiet('21:00', '08:00'),
      quiet('22:00', '02:30', { days: ['fri', 'sat', 'sun'] }),
      quiet('01:30', '03:15'),
      quiet('02:00', '02:00', { days: ['sun'] }),
    ];
    for (const [zone, from] of cases) {
      for (const hours of windows) {
        for (let at = Date.parse(from); at < Date.parse(from) + 4 * 86_400_000; at += 29 * 60_000) {
          const resume = nextAllowedSendTime(hours, zone, new Date(at));
          if (resume === null) continue;
          expect(resume.getTime()).toBeGreaterThan(at);
          expect(nextAllowedSendTime(hours, zone, resume)).toBeNull();
          expect(nextAllowedSendTime(hours, zone, new Date(resume.getTime() - 1))).not.toBeNull();
        }
      }
    }
  });

  it('treats an unknown zone as UTC', () => {
    expect(next(quiet('21:00', '08:00'), 'Not/AZone', '2026-01-14T22:00:00Z')).toBe('2026-01-15T08:00:00.000Z');
  });
});

describe('resolveWall', () => {
  const wall = (iso: string) => Date.parse(`${iso}Z`);
  it('resolves ordinary, missing and repeated local times', () => {
    const paris = IANAZone.create('Europe/Paris');
    expect(new Date(resolveWall(paris, wall('2026-01-14T12:00:00'))).toISOString()).toBe('2026-01-14T11:00:00.000Z');
    expect(new Date(resolveWall(paris, wall('2026-03-29T02:00:00'))).toISOString()).toBe('2026-03-29T01:00:00.000Z');
    expect(new Date(resolveWall(paris, wall('2026-03-29T02:59:00'))).toISOString()).toBe('2026-03-29T01:00:00.000Z');
    expect(new Date(resolveWall(paris, wall('2026-10-25T02:00:00'))).toISOString()).toBe('2026-10-25T00:00:00.000Z');
  });
});

describe('zoneFor', () => {
  const settings = { quietHours: { enabled: true, start: '21:00', end: '08:00', defaultTimezone: 'America/New_York' } };
  it("prefers the profile's zone, then the quiet-hours default, then the workspace's, then UTC", () => {
    expect(zoneFor('Asia/Kathmandu', settings, 'Europe/Paris')).toBe('Asia/Kathmandu');
    expect(zoneFor(null, settings, 'Europe/Paris')).toBe('America/New_York');
    expect(zoneFor('Not/AZone', settings, 'Europe/Paris')).toBe('America/New_York');
    expect(zoneFor(null, { quietHours: { ...settings.quietHours, defaultTimezone: undefined } }, 'Europe/Paris')).toBe('Europe/Paris');
    expect(zoneFor(null, null, 'Nowhere')).toBe('UTC');
  });
});

describe('clock helpers', () => {
  it('parses HH:MM and spots quiet hours that never end', () => {
    expect(parseClock('00:00')).toBe(0);
    expect(parseClock('23:59')).toBe(1439);
    for (const bad of ['24:00', '7:00', '12:60', '12:00:00', '']) expect(parseClock(bad)).toBeNull();
    expect(quietHoursNeverEnd({ start: '09:00', end: '09:00' })).toBe(true);
    expect(quietHoursNeverEnd({ start: '09:00', end: '09:00', days: ['sat'] })).toBe(false);
    expect(quietHoursNeverEnd({ start: '21:00', end: '08:00' })).toBe(false);
  });
});
