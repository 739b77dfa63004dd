import { ApiError, type AuditEntryDto, type AuditListParams, auditList, getAuditListQueryKey } from '@itinera/sdk';
import { useInfiniteQuery } from '@tanstack/react-query';
import { createColumnHelper } from '@tanstack/react-table';
import { ScrollText } from 'lucide-react';
import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { Facts, JsonBlock } from '../../components/Card';
import { DataTable } from '../../components/DataTable';
import { LoadMoreFooter } from '../../components/LoadMoreFooter';
import { PeriodFilter } from '../../components/PeriodFilter';
import { type Period, useUrlFilters } from '../../components/useUrlFilters';
import { SelectField, TextField } from '../../components/fields';
import { dateTime, timeAgo } from '../../components/format';
import { Badge, Dialog, ErrorNotice, Spinner } from '../../components/ui';
import { useDebounced } from '../templates/hooks/useDebounced';
import { describeAction, RESOURCE_NOUNS, targetLink } from './model/audit-labels';
import './audit.css';

const PAGE_SIZE = 50;
const column = createColumnHelper<AuditEntryDto>();
const PERIODS: Period[] = [
  { id: 'any', label: 'Any time' },
  { id: '24h', label: 'Last 24 hours', hours: 24 },
  { id: '7d', label: 'Last 7 days', hours: 24 * 7 },
  { id: '30d', label: 'Last 30 days', hours: 24 * 30 },
];
const FILTERS = ['resource', 'outcome', 'actor', 'targetId', 'period'] as const;

function Outcome({ entry }: { entry: AuditEntryDto }) {
  return entry.outcome === 'succeeded' ? <Badge tone="success">Done</Badge> : <Badge tone="danger">Refused · {entry.status}</Badge>;
}

/** One entry in full: who, when, the route, the fields the request set and what the answer said. */
function EntryDialog({ entry, onClose }: { entry: AuditEntryDto; onClose: () => void }) {
  const link = targetLink(entry);
  return (
    <Dialog title={describeAction(entry)} isOpen onOpenChange={(open) => !open && onClose()} size="lg">
      <Facts
        items={[
          { label: 'When', value: dateTime(entry.occurredAt) },
          { label: 'Who', value: `${entry.actor.label} (${entry.actor.kind === 'user' ? 'signed-in user' : 'API key'})` },
          { label: 'Request', value: <code>{`${entry.method} ${entry.route}`}</code> },
          { label: 'Target', value: entry.targetId ? link ? <Link to={link}>{entry.targetId}</Link> : <code>{entry.targetId}</code> : '—' },
          { label: 'Outcome', value: <Outcome entry={entry} /> },
        ]}
      />
      <h3>What the request set</h3>
      {entry.changes ? <JsonBlock value={entry.changes} label="Changes" /> : <p className="muted">No fields (the route says it all).</p>}
      {entry.result && (
        <>
          <h3>{entry.outcome === 'succeeded' ? 'What the answer said' : 'Why it was refused'}</h3>
          <JsonBlock value={entry.result} label="Result" />
        </>
      )}
      <p className="muted">Secrets (passwords, tokens, keys) are never kept. Entries cannot be changed or deleted.</p>
    </Dialog>
  );
}

/** The audit log: who changed what in the workspace, refusals included, newest first. */
export function AuditPage() {
  const filters = useUrlFilters(FILTERS, PERIODS);
  const { value, set, from, filtered } = filters;
  const actor = useDebounced(value('actor').trim(), 300);
  const targetId = useDebounced(value('targetId').trim(), 300);
  const [open, setOpen] = useState<AuditEntryDto | null>(null);
  const filter: AuditListParams = {
    ...(value('resource') ? { resource: value('resource') } : {}),
    ...(value('outcome') ? { outcome: value('outcome') as AuditListParams['outcome'] } : {}),
    ...(actor ? { actor } : {}),
    ...(targetId ? { targetId } : {}),
    ...(from ? { from } : {}),
  };
  const entries = useInfiniteQuery({
    queryKey: [...getAuditListQueryKey(filter), 'pages'],
    queryFn: ({ pageParam, signal }) => auditList({ ...filter, limit: PAGE_SIZE, cursor: pageParam }, { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    retry: (count, error) => !(error instanceof ApiError && error.status === 403) && count < 2,
  });
  const rows = useMemo(() => entries.data?.pages.flatMap((page) => page.data) ?? [], [entries.data]);

  const columns = useMemo(
    () => [
      column.accessor('occurredAt', {
        header: 'Time',
        cell: ({ getValue }) => <span title={dateTime(getValue())}>{timeAgo(getValue())}</span>,
      }),
      column.accessor((entry) => entry.actor.label, {
        id: 'actor',
        header: 'Who',
        cell: ({ row }) => (
          <span>
            {row.original.actor.label} <span className="muted">{row.original.actor.kind === 'user' ? '· user' : '· API key'}</span>
          </span>
        ),
      }),
      column.display({
        id: 'action',
        header: 'What',
        cell: ({ row }) => (
          <button type="button" className="table__link link-button" onClick={() => setOpen(row.original)}>
            {describeAction(row.original)}
          </button>
        ),
      }),
      column.accessor('targetId', {
        header: 'Target',
        cell: ({ row }) => {
          const link = targetLink(row.original);
          const id = row.original.targetId;
          if (!id) return <span className="muted">—</span>;
          const name = row.original.result?.name;
          if (link) return <Link to={link}>{String(name ?? id)}</Link>;
          return typeof name === 'string' ? <span title={id}>{name}</span> : <code>{id}</code>;
        },
      }),
      column.accessor('outcome', { header: 'Outcome', cell: ({ row }) => <Outcome entry={row.original} /> }),
    ],
    [setOpen],
  );

  const forbidden = entries.error instanceof ApiError && entries.error.status === 403;
  return (
    <>
      <title>Audit log · Itinera</title>
      <header className="page-header">
        <h1>Audit log</h1>
        <p className="muted">
          Who changed what in this workspace, newest first, refusals included. Entries cannot be changed or deleted; the workspace settings
          say how long they are kept.
        </p>
      </header>
      <div className="filters filters--wrap">
        <SelectField
          label="About"
          value={value('resource') || 'all'}
          onChange={(v) => set('resource', v)}
          options={[
            { id: 'all', label: 'Everything' },
            ...Object.entries(RESOURCE_NOUNS).map(([id, noun]) => ({ id, label: `${noun.charAt(0).toUpperCase()}${noun.slice(1)}s` })),
          ]}
          className="field--inline"
        />
        <SelectField
          label="Outcome"
          value={value('outcome') || 'all'}
          onChange={(v) => set('outcome', v)}
          options={[
            { id: 'all', label: 'Any outcome' },
            { id: 'succeeded', label: 'Done' },
            { id: 'refused', label: 'Refused' },
          ]}
          className="field--inline"
        />
        <TextField label="Who (e-mail or key name)" value={value('actor')} onChange={(v) => set('actor', v)} className="field--inline" />
        <TextField label="Target (id or key)" value={value('targetId')} onChange={(v) => set('targetId', v)} className="field--inline" />
        <PeriodFilter filters={filters} periods={PERIODS} />
      </div>
      {entries.isPending && <Spinner label="Loading the audit log…" />}
      {forbidden && (
        <div className="notice" role="status">
          Only editors and owners can read the audit log. Ask an owner of the workspace for the editor role.
        </div>
      )}
      {entries.isError && !forbidden && (
        <ErrorNotice title="The audit log could not be loaded." error={entries.error} onRetry={() => void entries.refetch()} />
      )}
      {entries.isSuccess && rows.length === 0 && !filtered && (
        <section className="empty-state" aria-labelledby="audit-empty-heading">
          <div className="empty-state__icon" aria-hidden="true">
            <ScrollText size={40} />
          </div>
          <h2 id="audit-empty-heading">Nothing changed yet</h2>
          <p>
            Every change made in the admin or through the management API appears here: journeys, templates, providers, keys, members,
            settings.
          </p>
        </section>
      )}
      {entries.isSuccess && (rows.length > 0 || filtered) && (
        <>
          <DataTable
            label="Audit log"
            rows={rows}
            columns={columns}
            rowId={(row) => row.id}
            empty={<p className="table__empty">No entry matches the filters.</p>}
          />
          <LoadMoreFooter shown={rows.length} noun={['entry', 'entries']} pages={entries} />
        </>
      )}
      {open && <EntryDialog entry={open} onClose={() => setOpen(null)} />}
    </>
  );
}
