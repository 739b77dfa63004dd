import { ApiError, type MessageDto, type RenderedContentDto } from '@itinera/sdk';
import { ArrowLeft, ExternalLink } from 'lucide-react';
import { Link, useParams } from 'react-router-dom';
import { Card, Facts, JsonBlock } from '../../components/Card';
import { dateTime, timeAgo } from '../../components/format';
import { ErrorNotice, Spinner } from '../../components/ui';
import { ChannelPreview } from '../templates/components/Previews';
import type { TemplateChannel } from '../templates/model/template-content';
import '../templates/templates.css';
import { MESSAGE_STATUSES, MessageStatusBadge } from './components/MessageStatusBadge';
import { useMessage } from './message-api';
import { explainReason } from './model/delivery-reasons';
import { messageVerdict } from './model/message-verdict';
import './messages.css';

const BLOCK_OF: Record<string, TemplateChannel> = {
  email: 'email',
  sms: 'sms',
  push: 'push',
  slack: 'chat',
  teams: 'chat',
  inapp: 'inapp',
  webhook: 'webhook',
};

function isRendered(content: unknown, block: TemplateChannel): content is RenderedContentDto {
  return typeof content === 'object' && content !== null && block in content;
}

export function MessagePage() {
  const { id = '' } = useParams();
  const message = useMessage(id, { query: { retry: (n, error) => !(error instanceof ApiError && error.status < 500) && n < 2 } });
  if (message.isPending) return <Spinner label="Loading the message…" />;
  if (message.isError) {
    const missing = message.error instanceof ApiError && (message.error.status === 404 || message.error.status === 400);
    return (
      <>
        <title>Message · Itinera</title>
        <header className="page-header">
          <h1>{missing ? 'Message not found' : 'Message'}</h1>
        </header>
        {missing ? (
          <section className="empty-state">
            <p>There is no message with this id in this workspace; it may belong to a profile that was erased.</p>
            <Link className="button" to="/messages">
              Go to the message log
            </Link>
          </section>
        ) : (
          <ErrorNotice title="The message could not be loaded." error={message.error} onRetry={() => void message.refetch()} />
        )}
      </>
    );
  }
  return <MessageView message={message.data} />;
}

function MessageView({ message }: { message: MessageDto }) {
  const verdict = messageVerdict(message, dateTime);
  const block = BLOCK_OF[message.channel];
  const queued = String(message.timestamps.queued);
  const providerEvents = (message.events ?? []).filter((e) => Object.keys(e.detail).some((key) => key !== 'reason'));
  return (
    <div className="message-page">
      <title>{`${message.template ?? 'Message'} to ${message.userId ?? 'someone'} · Itinera`}</title>
      <header className="page-header">
        <Link to="/messages" className="back-link">
          <ArrowLeft size={14} aria-hidden /> Messages
        </Link>
        <div className="cell-stack">
          <h1>
            {message.template ?? 'Direct message'} · {message.channel}
          </h1>
          <MessageStatusBadge status={message.status} />
        </div>
        <p className="muted">
          To {message.userId ? <Link to={`/profiles/${encodeURIComponent(message.userId)}`}>{message.userId}</Link> : 'an erased profile'}
          {message.recipient ? ` (${message.recipient})` : ''} · queued <span title={dateTime(queued)}>{timeAgo(queued)}</span>
        </p>
      </header>

      <section className={`verdict verdict--${verdict.tone}`} aria-labelledby="verdict-heading" data-testid="message-verdict">
        <h2 id="verdict-heading">{verdict.headline}</h2>
        {verdict.explanation && <p>{verdict.explanation.summary}</p>}
        {verdict.explanation?.action && (
          <Link className="button button--sm" to={verdict.explanation.action.to}>
            {verdict.explanation.action.label}
          </Link>
        )}
      </section>

      <div className="detail-grid">
        <Card title="Lifecycle" description="Every step the message went through, with the reason of each.">
          <ol className="lifecycle" aria-label="Lifecycle">
            {(message.events ?? []).map((event, index) => {
              const reason = typeof event.detail.reason === 'string' ? event.detail.reason : null;
              const explained = explainReason(reason);
              return (
                <li key={index} className="lifecycle__step" data-testid="lifecycle-step">
                  <span className={`lifecycle__dot lifecycle__dot--${MESSAGE_STATUSES[event.status]?.tone ?? 'neutral'}`} aria-hidden />
                  <div>
                    <div className="cell-stack">
                      <MessageStatusBadge status={event.status} />
                      <time dateTime={event.occurredAt} className="muted">
                        {dateTime(event.occurredAt)}
                      </time>
                    </div>
                    <p className="lifecycle__meaning">{explained?.summary ?? MESSAGE_STATUSES[event.status]?.meaning ?? ''}</p>
                  </div>
                </li>
              );
            })}
            {message.deferredUntil && message.status === 'deferred' && (
              <li className="lifecycle__step lifecycle__step--next">
                <span className="lifecycle__dot" aria-hidden />
                <div>
                  <strong>Next attempt</strong> <span className="muted">{dateTime(message.deferredUntil)}</span>
                </div>
              </li>
            )}
          </ol>
        </Card>

        <Card title="Delivery" description="Who sent it, to whom, and what the provider answered.">
          <Facts
            items={[
              { label: 'Provider', value: message.provider ?? <span className="muted">None (not handed over)</span> },
              { label: 'Provider message id', value: message.providerMessageId ?? <span className="muted">—</span> },
              { label: 'Recipient', value: message.recipient ?? <span className="muted">—</span> },
              { label: 'Topic', value: message.topic ?? <span className="muted">None</span> },
              {
                label: 'Sent by',
                value: message.journeyId ? (
                  <>
                    <Link to={`/journeys/${message.journeyId}`}>a journey</Link>
                    {message.nodeId ? `, step ${message.nodeId}` : ''}
                  </>
                ) : message.requestId ? (
                  'POST /send or a test send'
                ) : (
                  'A direct send'
                ),
              },
              { label: 'Request id', value: message.requestId ?? <span className="muted">—</span> },
            ]}
          />
          {message.runId && (
            <Link className="button button--sm align-start" to={`/runs/${message.runId}`}>
              <ExternalLink size={14} aria-hidden /> Open the run on the canvas
            </Link>
          )}
          <h3 className="subhead">Provider response</h3>
          {providerEvents.length === 0 ? (
            <p className="muted">{message.provider ? 'The provider reported nothing beyond accepting it.' : 'No provider was called.'}</p>
          ) : (
            providerEvents.map((event, index) => (
              <div key={index} className="stack">
                <span className="muted">
                  {event.status} · {dateTime(event.occurredAt)}
                </span>
                <JsonBlock value={event.detail} label={`Provider detail of ${event.status}`} />
              </div>
            ))
          )}
        </Card>

        <Card title="Rendered content" description="Exactly what was (or would have been) sent." className="card--wide">
          {block && isRendered(message.content, block) ? (
            <ChannelPreview channel={block} rendered={message.content} />
          ) : (
            <p className="muted">
              Nothing was rendered: the message was stopped before its template was rendered, or the template could not be rendered.
            </p>
          )}
        </Card>
      </div>
    </div>
  );
}
