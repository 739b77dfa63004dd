import { type EventDto, useEventsList } from '@itinera/sdk';
import { Activity, Pause, Play } from 'lucide-react';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Card } from '../../components/Card';
import { TextField } from '../../components/fields';
import { Badge, Button, ErrorNotice, Spinner } from '../../components/ui';
import { useDebounced } from '../templates/hooks/useDebounced';
import { EventList } from './components/EventList';
import { mergeEvents } from './model/live-list';
import { type LiveState, useLiveEvents } from './useLiveEvents';
import './events.css';

const STATE_LABELS: Record<LiveState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  paused: 'Paused',
};

/** The events of the workspace as they arrive (server-sent events), filtered by event name and user; each opens to its JSON. */
export function EventsPage() {
  const [params, setParams] = useSearchParams();
  const event = params.get('event') ?? '';
  const userId = params.get('userId') ?? '';
  const filter = useDebounced(
    useMemo(() => ({ event: event.trim() || undefined, userId: userId.trim() || undefined }), [event, userId]),
    400,
  );
  const [paused, setPaused] = useState(false);
  const [live, setLive] = useState<{ key: string; events: EventDto[] }>({ key: '', events: [] });
  const key = JSON.stringify(filter);
  const history = useEventsList({ ...filter, limit: 50 });
  const state = useLiveEvents(filter, paused, (incoming) =>
    setLive((current) => ({ key, events: mergeEvents(current.key === key ? current.events : [], incoming) })),
  );
  const events = useMemo(() => mergeEvents(history.data?.data ?? [], live.key === key ? live.events : []), [history.data, live, key]);

  const setFilter = (name: 'event' | 'userId', value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };

  return (
    <>
      <title>Events · Itinera</title>
      <header className="page-header">
        <h1>Events</h1>
        <p className="muted">What your product sends (track, identify, page…), as it arrives.</p>
      </header>
      <div className="filters">
        <TextField
          label="Event name"
          value={event}
          onChange={(v) => setFilter('event', v)}
          placeholder="signed_up"
          className="field--inline"
        />
        <TextField
          label="User id"
          value={userId}
          onChange={(v) => setFilter('userId', v)}
          placeholder="user-42"
          className="field--inline"
        />
      </div>
      <Card
        title="Latest events"
        description="The 50 latest that match, then every new one as it is stored."
        actions={
          <>
            <Badge tone={state === 'live' ? 'success' : state === 'paused' ? 'neutral' : 'warning'}>
              <Activity size={12} aria-hidden /> <span data-testid="live-state">{STATE_LABELS[state]}</span>
            </Badge>
            <Button size="sm" onPress={() => setPaused(!paused)}>
              {paused ? <Play size={14} aria-hidden /> : <Pause size={14} aria-hidden />} {paused ? 'Resume' : 'Pause'}
            </Button>
          </>
        }
      >
        {history.isPending && <Spinner label="Loading events…" />}
        {history.isError && (
          <ErrorNotice title="The events could not be loaded." error={history.error} onRetry={() => void history.refetch()} />
        )}
        {history.isSuccess && (
          <EventList
            events={events}
            empty={
              filter.event || filter.userId
                ? 'No event matches yet. New ones will appear here as they arrive.'
                : 'No events yet. Send one with the write key (POST /v1/track, or a Segment or RudderStack SDK) and it appears here.'
            }
          />
        )}
      </Card>
    </>
  );
}
