import fc from 'fast-check';
import { correctedTimestamp, LIMITS, normalizeEvent } from './segment-event.js';

const receivedAt = new Date('2026-03-01T12:00:00.000Z');

describe('normalizeEvent', () => {
  it('accepts a track call and fills in a messageId', () => {
    const result = normalizeEvent({ type: 'track', userId: 'u1', event: 'signed_up', properties: { plan: 'trial' } }, { receivedAt });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.event).toMatchObject({
      type: 'track',
      userId: 'u1',
      event: 'signed_up',
      properties: { plan: 'trial' },
      timestamp: receivedAt,
    });
    expect(result.event.messageId).toMatch(/^itn-/);
  });

  const invalid: Array<[unknown, RegExp]> = [
    [{ type: 'track', event: 'x' }, /userId or anonymousId/],
    [{ type: 'track', userId: 'u' }, /event \(the event name\) is required/],
    [{ type: 'group', userId: 'u' }, /groupId is required/],
    [{ type: 'alias', userId: 'u' }, /previousId is required/],
    [{ type: 'alias', anonymousId: 'a', previousId: 'p' }, /userId is required for alias/],
    [{ type: 'launch', userId: 'u' }, /type must be one of/],
    [{ type: 'track', userId: 'u', event: 'x', messageId: 'm'.repeat(101) }, /messageId is longer than 100/],
    [{ type: 'track', userId: 'u', event: 'x', properties: [1] }, /properties must be an object/],
    [{ type: 'track', userId: { id: 1 }, event: 'x' }, /userId must be a string/],
    [{ type: 'track', userId: 'u', event: 'x', timestamp: 'yesterday' }, /timestamp is not a valid ISO 8601 date/],
    [{ type: 'track', userId: 'u', event: 'x', sentAt: 42 }, /sentAt must be an ISO 8601 date string/],
    [{ type: 'track', userId: 'u', event: 'x', properties: { big: 'x'.repeat(33 * 1024) } }, /larger than 32 KB/],
    [{ type: 'track', userId: 'u', event: 'x', properties: { bad: 'a\u0000b' } }, /NUL/],
    ['not an object', /must be a JSON object/],
  ];
  it.each(invalid.map(([raw, reason]) => [reason.source, raw, reason] as const))('rejects an event: %s', (_label, raw, reason) => {
    const result = normalizeEvent(raw, { receivedAt });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('takes the type from the endpoint and refuses a contradicting one', () => {
    expect(normalizeEvent({ userId: 'u', traits: { a: 1 } }, { receivedAt, type: 'identify' }).ok).toBe(true);
    const mismatch = normalizeEvent({ type: 'track', userId: 'u', event: 'x' }, { receivedAt, type: 'identify' });
    expect(mismatch.ok).toBe(false);
  });

  it('turns numeric ids into strings and reads legacy identify traits from context.traits', () => {
    const result = normalizeEvent({ type: 'identify', userId: 42, context: { traits: { email: 'a@b.c' } } }, { receivedAt });
    expect(result.ok && result.event.userId).toBe('42');
    expect(result.ok && result.event.traits).toEqual({ email: 'a@b.c' });
  });

  it('corrects client clock skew from sentAt as Segment does', () => {
    // The client clock is 1 hour fast: it says it sent at 13:00 an event of 12:59:50.
    const result = normalizeEvent(
      { type: 'track', userId: 'u', event: 'x', timestamp: '2026-03-01T12:59:50.000Z', sentAt: '2026-03-01T13:00:00.000Z' },
      { receivedAt },
    );
    expect(result.ok && result.event.timestamp.toISOString()).toBe('2026-03-01T11:59:50.000Z');
    expect(result.ok && result.event.originalTimestamp?.toISOString()).toBe('2026-03-01T12:59:50.000Z');
    // A batch's sentAt applies to its events; a historical import without sentAt keeps its timestamp.
    const batch = normalizeEvent(
      { type: 'track', userId: 'u', event: 'x', timestamp: '2026-03-01T12:59:50Z' },
      { receivedAt, batchSentAt: '2026-03-01T13:00:00Z' },
    );
    expect(batch.ok && batch.event.timestamp.toISOString()).toBe('2026-03-01T11:59:50.000Z');
    const historical = normalizeEvent({ type: 'track', userId: 'u', event: 'x', timestamp: '2020-01-01T00:00:00+02:00' }, { receivedAt });
    expect(historical.ok && historical.event.timestamp.toISOString()).toBe('2019-12-31T22:00:00.000Z');
  });

  it('property: never throws, and what it accepts is within the limits', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.record(
            {
              type: fc.oneof(fc.constantFrom('track', 'identify', 'page', 'screen', 'group', 'alias'), fc.string()),
              userId: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
              anonymousId: fc.oneof(fc.string(), fc.anything()),
              event: fc.oneof(fc.string(), fc.anything()),
              groupId: fc.string(),
              previousId: fc.string(),
              messageId: fc.oneof(fc.string({ maxLength: 120 }), fc.anything()),
              timestamp: fc.oneof(
                fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
                fc.string(),
                fc.anything(),
              ),
              sentAt: fc.oneof(
                fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
                fc.string(),
              ),
              properties: fc.anything(),
              traits: fc.anything(),
              context: fc.anything(),
            },
            { requiredKeys: [] },
          ),
        ),
        (raw) => {
          const result = normalizeEvent(raw, { receivedAt });
          if (!result.ok) return;
          expect(result.event.userId ?? result.event.anonymousId).toBeTruthy();
          expect(result.event.messageId.length).toBeLessThanOrEqual(LIMITS.messageIdLength);
          expect(Number.isNaN(result.event.timestamp.getTime())).toBe(false);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('timestamps', () => {
  const timestampOf = (timestamp: string) => {
    const result = normalizeEvent({ type: 'track', userId: 'u', event: 'e', timestamp }, { receivedAt });
    return result.ok ? result.event.originalTimestamp : result.reason;
  };
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');

  it('reads every instant written with a zone offset, to the millisecond, as the moment it names', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1971-01-01T00:00:00Z'), max: new Date('9998-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: -14 * 4, max: 14 * 4 }),
        fc.boolean(),
        (date, quarterHours, colon) => {
          const offset = quarterHours * 15;
          const local = new Date(date.getTime() + offset * 60_000).toISOString().slice(0, 23);
          const zone =
            offset === 0 && colon
              ? 'Z'
              : `${offset < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offset) / 60))}${colon ? ':' : ''}${pad(Math.abs(offset) % 60)}`;
          expect(timestampOf(`${local}${zone}`)).toEqual(date);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('truncates finer fractions to the millisecond and accepts other ISO 8601 forms', () => {
    expect(timestampOf('2026-03-01T10:00:00.123456789Z')).toEqual(new Date('2026-03-01T10:00:00.123Z'));
    expect(timestampOf('2026-03-01T10:00:00.29Z')).toEqual(new Date('2026-03-01T10:00:00.290Z'));
    expect(timestampOf('2024-02-29T23:59:59+01:00')).toEqual(new Date('2024-02-29T22:59:59Z'));
    expect(timestampOf('2026-03-01')).toBeInstanceOf(Date);
    expect(timestampOf('2026-03-01T10:00Z')).toEqual(new Date('2026-03-01T10:00:00Z'));
  });

  it('rejects dates that do not exist and years outside 1970–9999', () => {
    for (const bad of [
      '2026-02-29T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-04-31T00:00:00Z',
      '2026-01-01T25:00:00Z',
      '1969-12-31T23:59:59Z',
      'yesterday',
    ]) {
      expect(timestampOf(bad)).toMatch(/timestamp is not a valid ISO 8601 date/);
    }
  });
});

describe('correctedTimestamp', () => {
  it('falls back to the original timestamp, then receivedAt', () => {
    const t = new Date('2026-01-01T00:00:00Z');
    expect(correctedTimestamp(t, null, receivedAt)).toBe(t);
    expect(correctedTimestamp(null, null, receivedAt)).toBe(receivedAt);
  });
});
