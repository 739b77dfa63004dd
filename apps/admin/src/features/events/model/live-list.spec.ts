import type { EventDto } from '@itinera/sdk';
import { eventTitle, mergeEvents } from './live-list';

const event = (id: string, timestamp: string, patch: Partial<EventDto> = {}): EventDto => ({
  id,
  messageId: `m${id}`,
  type: 'track',
  event: 'clicked',
  name: null,
  userId: 'u',
  anonymousId: null,
  groupId: null,
  properties: {},
  traits: {},
  context: {},
  timestamp,
  receivedAt: timestamp,
  ...patch,
});

describe('live event list', () => {
  it('puts live events first by time, each once, and keeps the list bounded', () => {
    const list = [event('2', '2026-01-01T10:00:00Z'), event('1', '2026-01-01T09:00:00Z')];
    const merged = mergeEvents(list, [
      event('3', '2026-01-01T11:00:00Z'),
      event('2', '2026-01-01T10:00:00Z'),
      event('4', '2026-01-01T11:00:00Z'),
    ]);
    expect(merged.map((e) => e.id)).toEqual(['4', '3', '2', '1']);
    expect(mergeEvents(list, [event('1', '2026-01-01T09:00:00Z')])).toBe(list);
    expect(mergeEvents(merged, [event('5', '2026-01-01T12:00:00Z')], 3).map((e) => e.id)).toEqual(['5', '4', '3']);
  });

  it('names events by their track name, page name or call type', () => {
    expect(eventTitle(event('1', '2026-01-01T00:00:00Z'))).toBe('clicked');
    expect(eventTitle(event('1', '2026-01-01T00:00:00Z', { type: 'page', event: null, name: 'Pricing' }))).toBe('page: Pricing');
    expect(eventTitle(event('1', '2026-01-01T00:00:00Z', { type: 'identify', event: null }))).toBe('identify');
  });
});
