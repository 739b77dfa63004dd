import { type MessageDto, useJourneysList, useTemplatesList } from '@itinera/sdk';
import { useInfiniteQuery } from '@tanstack/react-query';
import { createColumnHelper } from '@tanstack/react-table';
import { Mail } from 'lucide-react';
import { useMemo } from 'react';
import { Link } from 'react-router-dom';
import { DataTable } from '../../components/DataTable';
import { LoadMoreFooter } from '../../components/LoadMoreFooter';
import { PeriodFilter } from '../../components/PeriodFilter';
import { type Period, useUrlFilters } from '../../components/useUrlFilters';
import { SelectField, TextField } from '../../components/fields';
import { dateTime, timeAgo } from '../../components/format';
import { ErrorNotice, Spinner } from '../../components/ui';
import { useDebounced } from '../templates/hooks/useDebounced';
import { MESSAGE_STATUSES, MessageStatusBadge } from './components/MessageStatusBadge';
import { fetchMessageLog, getMessageLogQueryKey, type MessageLogParams } from './message-api';
import { explainReason } from './model/delivery-reasons';
import './messages.css';

const PAGE_SIZE = 50;
const column = createColumnHelper<MessageDto>();
const CHANNELS = ['email', 'sms', 'push', 'slack', 'teams', 'inapp', 'webhook'];
const PERIODS: Period[] = [
  { id: 'any', label: 'Any time' },
  { id: '1h', label: 'Last hour', hours: 1 },
  { id: '24h', label: 'Last 24 hours', hours: 24 },
  { id: '7d', label: 'Last 7 days', hours: 24 * 7 },
  { id: '30d', label: 'Last 30 days', hours: 24 * 30 },
];
const FILTERS = ['status', 'channel', 'template', 'journeyId', 'userId', 'period'] as const;

/** The message log: every message, filtered by status, channel, template, journey, profile and time; each opens to its lifecycle. */
export function MessagesPage() {
  const filters = useUrlFilters(FILTERS, PERIODS);
  const { value, set, from, filtered } = filters;
  const templates = useTemplatesList({ query: { staleTime: 60_000 } });
  const journeys = useJourneysList({ query: { staleTime: 60_000 } });
  const userId = useDebounced(value('userId').trim(), 300);
  const filter: MessageLogParams = {
    ...(value('status') ? { status: value('status') as MessageLogParams['status'] } : {}),
    ...(value('channel') ? { channel: value('channel') } : {}),
    ...(value('template') ? { template: value('template') } : {}),
    ...(value('journeyId') ? { journeyId: value('journeyId') } : {}),
    ...(userId ? { userId } : {}),
    ...(from ? { from } : {}),
  };
  const messages = useInfiniteQuery({
    queryKey: [...getMessageLogQueryKey(filter), 'pages'],
    queryFn: ({ pageParam, signal }) => fetchMessageLog({ ...filter, limit: PAGE_SIZE, cursor: pageParam }, { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const rows = useMemo(() => messages.data?.pages.flatMap((page) => page.data) ?? [], [messages.data]);
  const journeyNames = useMemo(() => new Map((journeys.data ?? []).map((j) => [j.id, j.name])), [journeys.data]);

  const columns = useMemo(
    () => [
      column.display({
        id: 'time',
        header: 'Time',
        cell: ({ row }) => {
          const at = String(row.original.timestamps.queued);
          return (
            <Link className="table__link" to={`/messages/${row.original.id}`} title={dateTime(at)}>
              {timeAgo(at)}
            </Link>
          );
        },
      }),
      column.accessor('status', { header: 'Status', cell: ({ getValue }) => <MessageStatusBadge status={getValue()} /> }),
      column.accessor('channel', { header: 'Channel' }),
      column.accessor('template', {
        header: 'Template',
        cell: ({ row }) =>
          row.original.template ? (
            <Link to={`/templates/${row.original.template}`}>{row.original.template}</Link>
          ) : (
            <span className="muted">—</span>
          ),
      }),
      column.accessor('userId', {
        header: 'Profile',
        cell: ({ getValue }) => {
          const id = getValue();
          return id ? <Link to={`/profiles/${encodeURIComponent(id)}`}>{id}</Link> : <span className="muted">—</span>;
        },
      }),
      column.accessor('journeyId', {
        header: 'Journey',
        cell: ({ getValue }) => {
          const id = getValue();
          if (!id) return <span className="muted">Direct send</span>;
          return <Link to={`/journeys/${id}`}>{journeyNames.get(id) ?? 'a journey'}</Link>;
        },
      }),
      column.accessor('reason', {
        header: 'Why',
        enableSorting: false,
        cell: ({ getValue }) => <span className="reason-cell">{explainReason(getValue())?.summary ?? ''}</span>,
      }),
    ],
    [journeyNames],
  );

  return (
    <>
      <title>Messages · Itinera</title>
      <header className="page-header">
        <h1>Messages</h1>
        <p className="muted">Every message Itinera sent or held back, newest first. Open one to see why it was (or was not) delivered.</p>
      </header>
      <div className="filters filters--wrap">
        <SelectField
          label="Status"
          value={value('status') || 'all'}
          onChange={(v) => set('status', v)}
          options={[{ id: 'all', label: 'All statuses' }, ...Object.entries(MESSAGE_STATUSES).map(([id, s]) => ({ id, label: s.label }))]}
          className="field--inline"
        />
        <SelectField
          label="Channel"
          value={value('channel') || 'all'}
          onChange={(v) => set('channel', v)}
          options={[{ id: 'all', label: 'All channels' }, ...CHANNELS.map((c) => ({ id: c, label: c }))]}
          className="field--inline"
        />
        <SelectField
          label="Template"
          value={value('template') || 'all'}
          onChange={(v) => set('template', v)}
          options={[{ id: 'all', label: 'All templates' }, ...(templates.data ?? []).map((t) => ({ id: t.key, label: t.name }))]}
          className="field--inline"
        />
        <SelectField
          label="Journey"
          value={value('journeyId') || 'all'}
          onChange={(v) => set('journeyId', v)}
          options={[{ id: 'all', label: 'All journeys' }, ...(journeys.data ?? []).map((j) => ({ id: j.id, label: j.name }))]}
          className="field--inline"
        />
        <TextField label="Profile (user id)" value={value('userId')} onChange={(v) => set('userId', v)} className="field--inline" />
        <PeriodFilter filters={filters} periods={PERIODS} />
      </div>
      {messages.isPending && <Spinner label="Loading messages…" />}
      {messages.isError && (
        <ErrorNotice title="The messages could not be loaded." error={messages.error} onRetry={() => void messages.refetch()} />
      )}
      {messages.isSuccess && rows.length === 0 && !filtered && (
        <section className="empty-state" aria-labelledby="messages-empty-heading">
          <div className="empty-state__icon" aria-hidden="true">
            <Mail size={40} />
          </div>
          <h2 id="messages-empty-heading">No messages yet</h2>
          <p>
            Messages appear here when a journey's send step, POST /send or a template's test send delivers one, or a rule holds one back.
          </p>
        </section>
      )}
      {messages.isSuccess && (rows.length > 0 || filtered) && (
        <>
          <DataTable
            label="Messages"
            rows={rows}
            columns={columns}
            rowId={(row) => row.id}
            empty={<p className="table__empty">No message matches the filters.</p>}
          />
          <LoadMoreFooter shown={rows.length} noun={['message', 'messages']} pages={messages} />
        </>
      )}
    </>
  );
}
