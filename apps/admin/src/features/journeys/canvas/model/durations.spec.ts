import { formatDuration, parseDuration } from './durations';

describe('durations', () => {
  it.each([
    ['3 days', 259_200],
    ['3d', 259_200],
    ['1h 30m', 5_400],
    ['1 hour and 30 minutes', 5_400],
    ['90 minutes', 5_400],
    ['1.5 hours', 5_400],
    ['2 weeks', 1_209_600],
    ['45s', 45],
    ['120', 120],
    [' 1 Day ', 86_400],
    ['-1 day', -86_400],
    ['1 day before', -86_400],
    ['2 hours after', 7_200],
  ])('reads "%s" as %i seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(['', 'soon', '3 fortnights', '3 days later', 'days 3', '1h x'])('refuses "%s"', (text) => {
    expect(parseDuration(text)).toBeNull();
  });

  it.each([
    [259_200, '3 days'],
    [5_400, '1 hour 30 minutes'],
    [1_209_600, '2 weeks'],
    [864_000, '10 days'],
    [45, '45 seconds'],
    [86_401, '1 day 1 second'],
    [-86_400, '1 day before'],
    [0, '0 seconds'],
  ])('writes %i seconds as "%s", which reads back the same', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
    expect(parseDuration(text)).toBe(seconds);
  });
});
