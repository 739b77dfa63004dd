import { type EventDto, getLiveEventsStreamUrl, type LiveEventsStreamParams } from '@itinera/sdk';
import { useEffect, useState } from 'react';

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'paused';

/**
 * Events as the API stores them, over server-sent events (GET /api/events/stream, the session
 * cookie authorises it): each new event once, in order. The browser reconnects on its own after
 * a network drop. Nothing is received while `paused`.
 */
export function useLiveEvents(filter: LiveEventsStreamParams, paused: boolean, onEvents: (events: EventDto[]) => void): LiveState {
  const [state, setState] = useState<LiveState>(paused ? 'paused' : 'connecting');
  const key = JSON.stringify(filter);
  const onEventsRef = useLatest(onEvents);

  useEffect(() => {
    if (paused) return;
    const source = new EventSource(getLiveEventsStreamUrl(JSON.parse(key) as LiveEventsStreamParams));
    // Events of one tick arrive together; they are handed on in one batch per animation frame.
    let batch: EventDto[] = [];
    let frame = 0;
    source.addEventListener('ready', () => setState('live'));
    source.addEventListener('event', (message) => {
      batch.push(JSON.parse((message as MessageEvent<string>).data) as EventDto);
      if (!frame)
        frame = requestAnimationFrame(() => {
          frame = 0;
          const ready = batch;
          batch = [];
          onEventsRef.current(ready);
        });
    });
    source.onerror = () => setState('reconnecting');
    source.onopen = () => setState('live');
    return () => {
      cancelAnimationFrame(frame);
      source.close();
      setState('connecting');
    };
  }, [key, paused, onEventsRef]);

  return paused ? 'paused' : state;
}

function useLatest<T>(value: T) {
  const [ref] = useState(() => ({ current: value }));
  useEffect(() => {
    ref.current = value;
  });
  return ref;
}
