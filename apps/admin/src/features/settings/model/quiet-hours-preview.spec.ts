import { quietHoursOutcome, quietHoursSentence, quietHoursSummary } from './quiet-hours-preview';

const nightly = { enabled: true, start: '21:00', end: '08:00' };

describe('quiet hours preview', () => {
  it('defers a late send to the end of the night window, in words', () => {
    expect(quietHoursSentence(nightly, 'fri', '22:00', 'Europe/Berlin')).toBe(
      'A send at 22:00 in Europe/Berlin is deferred to 08:00 the next day.',
    );
    expect(quietHoursSentence(nightly, 'sat', '06:30', 'Europe/Berlin')).toBe(
      'A send at 06:30 in Europe/Berlin is deferred to 08:00 the same day.',
    );
    expect(quietHoursSentence(nightly, 'fri', '12:00', 'Europe/Berlin')).toBe('A send at 12:00 in Europe/Berlin goes out at once.');
    expect(quietHoursSentence({ ...nightly, enabled: false }, 'fri', '22:00', 'UTC')).toMatch(/^Quiet hours are off/);
  });

  it('follows the days a window starts on, including the morning after the last one', () => {
    const weekdays = { ...nightly, days: ['mon', 'tue', 'wed', 'thu', 'fri'] as const };
    const days = [...weekdays.days];
    expect(quietHoursSentence({ ...weekdays, days }, 'sat', '22:00', 'UTC')).toBe('A send at 22:00 on Saturday in UTC goes out at once.');
    expect(quietHoursSentence({ ...weekdays, days }, 'sat', '07:00', 'UTC')).toBe(
      'A send at 07:00 on Saturday in UTC is deferred to 08:00 the same day.',
    );
    expect(quietHoursOutcome({ ...weekdays, days }, 'sun', '23:00')).toEqual({ deferred: false });
    // Sunday's window ends on Monday morning, across the end of the week.
    expect(quietHoursOutcome({ ...nightly, days: ['sun'] }, 'mon', '05:00')).toEqual({
      deferred: true,
      until: { day: 'mon', time: '08:00', dayOffset: 0 },
    });
  });

  it('follows back-to-back windows to their real end', () => {
    const weekend = { enabled: true, start: '00:00', end: '00:00', days: ['sat' as const, 'sun' as const] };
    expect(quietHoursOutcome(weekend, 'sat', '10:00')).toEqual({ deferred: true, until: { day: 'mon', time: '00:00', dayOffset: 2 } });
    expect(quietHoursSentence(weekend, 'sat', '10:00', 'UTC')).toBe('A send at 10:00 on Saturday in UTC is deferred to 00:00 on Monday.');
  });

  it('summarises the window', () => {
    expect(quietHoursSummary(nightly)).toBe('21:00–08:00 (ending the next day), every day');
    expect(quietHoursSummary({ enabled: true, start: '12:00', end: '14:00', days: ['mon', 'fri'] })).toBe('12:00–14:00, Mon, Fri');
    expect(quietHoursSummary({ ...nightly, enabled: false })).toBe('Off');
  });
});
