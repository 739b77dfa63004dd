import { messageVerdict } from './message-verdict';

const base = { reason: null, recipient: 'ada@example.test', deferredUntil: null, channel: 'email' };
const time = (iso: string) => `at ${iso.slice(11, 16)}`;

describe('message verdict', () => {
  it('says a delivered message reached its recipient', () => {
    expect(messageVerdict({ ...base, status: 'opened' }, time)).toMatchObject({
      tone: 'success',
      headline: 'Delivered and opened to ada@example.test.',
    });
  });

  it('names the cap that throttled a message', () => {
    const verdict = messageVerdict({ ...base, status: 'throttled', reason: 'frequency cap daily: at most 2 per 86400s' }, time);
    expect(verdict.headline).toBe('Not sent: a delivery rule stopped it.');
    expect(verdict.explanation?.summary).toBe('Frequency cap “daily”: at most 2 messages per 1 day to one person.');
  });

  it('says until when a deferred message waits, and why', () => {
    const verdict = messageVerdict(
      { ...base, status: 'deferred', reason: 'quiet hours in Europe/Berlin', deferredUntil: '2026-01-02T07:00:00.000Z' },
      time,
    );
    expect(verdict).toMatchObject({ tone: 'info', headline: 'Not sent yet: waiting until at 07:00.' });
    expect(verdict.explanation?.rule?.kind).toBe('quiet-hours');
  });

  it('tells failures, bounces and interrupted hand-overs apart', () => {
    expect(messageVerdict({ ...base, status: 'failed', reason: 'SMTP fake: 550 rejected' }, time).explanation?.summary).toBe(
      'SMTP fake: 550 rejected',
    );
    expect(messageVerdict({ ...base, status: 'bounced' }, time).tone).toBe('danger');
    expect(messageVerdict({ ...base, status: 'unknown' }, time).headline).toMatch(/^Outcome unknown/);
  });
});
