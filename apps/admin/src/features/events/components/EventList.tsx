import type { EventDto } from '@itinera/sdk';
import { ChevronDown, ChevronRight } from 'lucide-react';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { JsonBlock } from '../../../components/Card';
import { dateTime, timeAgo } from '../../../components/format';
import { Badge } from '../../../components/ui';
import { eventTitle } from '../model/live-list';
import '../events.css';

/** Events newest first; each opens to its JSON as stored. */
export function EventList({ events, showUser = true, empty }: { events: EventDto[]; showUser?: boolean; empty: string }) {
  const [open, setOpen] = useState<string | null>(null);
  if (events.length === 0) return <p className="muted">{empty}</p>;
  return (
    <ol className="event-list" aria-label="Events">
      {events.map((event) => {
        const expanded = open === event.id;
        const properties = Object.keys(event.type === 'identify' ? event.traits : event.properties);
        return (
          <li key={event.id} className="event-list__item" data-testid="event-row">
            <button
              type="button"
              className="event-list__toggle"
              aria-expanded={expanded}
              onClick={() => setOpen(expanded ? null : event.id)}
            >
              {expanded ? <ChevronDown size={14} aria-hidden /> : <ChevronRight size={14} aria-hidden />}
              <span className="event-list__name">{eventTitle(event)}</span>
              <Badge tone="neutral">{event.type}</Badge>
              {properties.length > 0 && <span className="event-list__keys">{properties.slice(0, 4).join(', ')}</span>}
              <time className="event-list__time" dateTime={event.timestamp} title={dateTime(event.timestamp)}>
                {timeAgo(event.timestamp)}
              </time>
            </button>
            {showUser && event.userId && (
              <Link className="event-list__user" to={`/profiles/${encodeURIComponent(event.userId)}`}>
                {event.userId}
              </Link>
            )}
            {expanded && <JsonBlock value={event} label={`JSON of ${eventTitle(event)}`} />}
          </li>
        );
      })}
    </ol>
  );
}
