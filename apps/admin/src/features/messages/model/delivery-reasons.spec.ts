import { durationWords, explainReason } from './delivery-reasons';

describe('delivery reasons in words', () => {
  it.each([
    [86_400, '1 day'],
    [5_400, '1 hour 30 minutes'],
    [604_800, '1 week'],
    [45, '45 seconds'],
    [0, '0 seconds'],
  ])('says %i seconds as "%s"', (seconds, words) => {
    expect(durationWords(seconds)).toBe(words);
  });

  it('names the frequency cap that stopped a message and where to change it', () => {
    expect(explainReason('frequency cap daily-email: at most 1 per 86400s')).toEqual({
      summary: 'Frequency cap “daily-email”: at most 1 message per 1 day to one person.',
      rule: { kind: 'frequency-cap', id: 'daily-email' },
      action: { label: 'Review the frequency caps', to: '/settings/delivery' },
    });
  });

  it('explains cooldown, quiet hours, preferences, missing contact points and providers', () => {
    expect(explainReason('cooldown: 3600s between messages to a profile')?.summary).toBe(
      'Cooldown: at least 1 hour between two messages to one person.',
    );
    expect(explainReason('quiet hours in Europe/Berlin')?.rule).toEqual({ kind: 'quiet-hours' });
    expect(explainReason('opted out of onboarding on email')?.summary).toBe('The person opted out of “onboarding” on e-mail.');
    expect(explainReason('the profile has no sms contact point')?.summary).toMatch(/no SMS contact point/);
    expect(explainReason('no email provider is configured')?.action).toEqual({ label: 'Configure a provider', to: '/settings/channels' });
    expect(explainReason('delivery outcome unknown after an interrupted attempt; not resent, to avoid a duplicate')?.rule?.kind).toBe(
      'unknown-outcome',
    );
  });

  it('keeps a provider error as it is', () => {
    expect(explainReason('SMTP: 550 5.1.1 mailbox unavailable')).toEqual({ summary: 'SMTP: 550 5.1.1 mailbox unavailable' });
    expect(explainReason(null)).toBeNull();
  });
});
