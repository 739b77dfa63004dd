import { bodyHash, parseSendBody } from './send-body.js';

const now = new Date('2026-05-01T10:00:00Z');

describe('parseSendBody (Courier body shape)', () => {
  it('reads user, template, data, routing, topic, tags and delay', () => {
    const result = parseSendBody(
      {
        message: {
          to: { user_id: 'u1' },
          template: 'welcome',
          data: { plan: 'trial' },
          routing: { method: 'all', channels: ['email', 'sms', 'email'] },
          preferences: { subscription_topic_id: 'onboarding' },
          metadata: { tags: ['urgent'] },
          delay: { duration: 60_000 },
          brand_id: 'ignored',
        },
      },
      now,
    );
    expect(result).toEqual({
      ok: true,
      command: {
        userId: 'u1',
        target: 'welcome',
        data: { plan: 'trial' },
        routing: { method: 'all', channels: ['email', 'sms'] },
        topic: 'onboarding',
        tags: ['urgent'],
        notBefore: new Date('2026-05-01T10:01:00Z'),
      },
    });
  });

  it('lists every problem with its field path', () => {
    const result = parseSendBody(
      { message: { to: [{ user_id: 'a' }], template: 7, data: [], routing: { method: 'some', channels: [] }, content: {}, nope: 1 } },
      now,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.field).sort()).toEqual(
      ['message.content', 'message.data', 'message.nope', 'message.routing.method', 'message.template', 'message.to'].sort(),
    );
    expect(parseSendBody(null).ok).toBe(false);
    expect(parseSendBody({ message: { to: { user_id: 'u' }, template: 't', delay: { until: 'soon' } } }).ok).toBe(false);
  });

  it('hashes bodies independently of key order', () => {
    expect(bodyHash({ a: 1, b: { c: [1, 2], d: null } })).toBe(bodyHash({ b: { d: null, c: [1, 2] }, a: 1 }));
    expect(bodyHash({ a: 1 })).not.toBe(bodyHash({ a: 2 }));
  });
});
