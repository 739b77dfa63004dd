import { ALL, decidePreference, type DefaultPreference, type PreferenceChoice, topicStatus } from './preference-rules.js';

const topic = (defaultPreference: DefaultPreference) => ({ key: 'news', defaultPreference });
const choice = (topicKey: string, channel: string, status: PreferenceChoice['status']): PreferenceChoice => ({ topicKey, channel, status });

describe('decidePreference', () => {
  it('falls back to the topic default', () => {
    expect(decidePreference(topic('opted_in'), [], 'email')).toEqual({ allowed: true, reason: 'topic "news" is opted in by default' });
    expect(decidePreference(topic('opted_out'), [], 'email')).toEqual({ allowed: false, reason: 'topic "news" is opted out by default' });
  });

  it('a topic-wide choice beats the default; a channel choice beats both', () => {
    const optedOut = [choice('news', ALL, 'opted_out')];
    expect(decidePreference(topic('opted_in'), optedOut, 'email').allowed).toBe(false);
    expect(decidePreference(topic('opted_in'), [...optedOut, choice('news', 'sms', 'opted_in')], 'sms').allowed).toBe(true);
    expect(decidePreference(topic('opted_in'), [...optedOut, choice('news', 'sms', 'opted_in')], 'email').allowed).toBe(false);
    expect(decidePreference(topic('opted_out'), [choice('news', ALL, 'opted_in')], 'push').allowed).toBe(true);
    expect(decidePreference(topic('opted_out'), [choice('news', 'push', 'opted_in')], 'push')).toEqual({
      allowed: true,
      reason: 'profile opted in to topic "news" on push',
    });
    expect(decidePreference(topic('opted_in'), [choice('news', 'email', 'opted_out')], 'email')).toEqual({
      allowed: false,
      reason: 'profile opted out of topic "news" on email',
    });
  });

  it('required topics ignore every opt-out', () => {
    const everything = [
      choice('news', ALL, 'opted_out'),
      choice('news', 'email', 'opted_out'),
      choice(ALL, 'email', 'opted_out'),
      choice(ALL, ALL, 'opted_out'),
    ];
    expect(decidePreference(topic('required'), everything, 'email')).toEqual({ allowed: true, reason: 'topic "news" is required' });
  });

  it('a whole-channel opt-out blocks non-required topics and messages without a topic on that channel only', () => {
    const noEmail = [choice(ALL, 'email', 'opted_out'), choice('news', 'email', 'opted_in')];
    expect(decidePreference(topic('opted_in'), noEmail, 'email')).toEqual({
      allowed: false,
      reason: 'profile unsubscribed from all email messages',
    });
    expect(decidePreference(null, noEmail, 'email').allowed).toBe(false);
    expect(decidePreference(null, noEmail, 'sms')).toEqual({ allowed: true, reason: 'no topic' });
    expect(decidePreference(topic('opted_in'), noEmail, 'sms').allowed).toBe(true);
    expect(decidePreference(null, [choice(ALL, ALL, 'opted_out')], 'push').allowed).toBe(false);
  });

  it('ignores choices of other topics', () => {
    expect(
      decidePreference(topic('opted_in'), [choice('billing', ALL, 'opted_out'), choice('billing', 'email', 'opted_out')], 'email').allowed,
    ).toBe(true);
  });

  it('covers the whole matrix: default × topic choice × channel choice', () => {
    const defaults: DefaultPreference[] = ['opted_in', 'opted_out', 'required'];
    const statuses = [undefined, 'opted_in', 'opted_out'] as const;
    for (const def of defaults) {
      for (const whole of statuses) {
        for (const onEmail of statuses) {
          const choices = [...(whole ? [choice('news', ALL, whole)] : []), ...(onEmail ? [choice('news', 'email', onEmail)] : [])];
          const expected = def === 'required' ? true : (onEmail ?? whole ?? def) === 'opted_in';
          expect([def, whole, onEmail, decidePreference(topic(def), choices, 'email').allowed]).toEqual([def, whole, onEmail, expected]);
          // Another channel only sees the topic-wide choice.
          const otherExpected = def === 'required' ? true : (whole ?? def) === 'opted_in';
          expect(decidePreference(topic(def), choices, 'sms').allowed).toBe(otherExpected);
        }
      }
    }
  });
});

describe('topicStatus', () => {
  it('is what the topic rules say, leaving whole-channel opt-outs to their own toggle', () => {
    expect(topicStatus(topic('opted_in'), [choice(ALL, 'email', 'opted_out')], 'email')).toBe('opted_in');
    expect(topicStatus(topic('opted_in'), [choice('news', 'email', 'opted_out')], 'email')).toBe('opted_out');
  });
});
