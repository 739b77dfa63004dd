import type { EventDto } from '@itinera/sdk';

/** Events newest first: by timestamp, then by id (ids grow as events are stored). */
export function compareNewestFirst(a: EventDto, b: EventDto): number {
  const byTime = new Date(b.timestamp).getTime() - new Date(a.timestamp).getTime();
  if (byTime !== 0) return byTime;
  const [x, y] = [BigInt(a.id), BigInt(b.id)];
  return x === y ? 0 : x > y ? -1 : 1;
}

/** Adds events that arrived live to a list (newest first), each once, keeping at most `max`. */
export function mergeEvents(list: EventDto[], incoming: EventDto[], max = 500): EventDto[] {
  const known = new Set(list.map((e) => e.id));
  const fresh = incoming.filter((e) => !known.has(e.id) && (known.add(e.id), true));
  if (fresh.length === 0) return list;
  return [...fresh, ...list].sort(compareNewestFirst).slice(0, max);
}

/** What an event is called in a list: the track name, the page or screen name, or the call type. */
export function eventTitle(event: EventDto): string {
  if (event.type === 'track') return event.event ?? '(unnamed)';
  if ((event.type === 'page' || event.type === 'screen') && event.name) return `${event.type}: ${event.name}`;
  if (event.type === 'group' && event.groupId) return `group: ${event.groupId}`;
  return event.type;
}
