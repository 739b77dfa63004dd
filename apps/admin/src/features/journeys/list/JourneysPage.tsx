import {
  JourneyDtoStatus,
  type JourneySummaryDto,
  getJourneysListQueryKey,
  useJourneysArchive,
  useJourneysCreate,
  useJourneysDuplicate,
  useJourneysList,
} from '@itinera/sdk';
import { useQueryClient } from '@tanstack/react-query';
import { createColumnHelper } from '@tanstack/react-table';
import { Archive, Copy, Download, FileUp, MoreHorizontal, Plus, Search } from 'lucide-react';
import { useMemo, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { DataTable } from '../../../components/DataTable';
import { SelectField, TextField } from '../../../components/fields';
import { count, dateTime, timeAgo } from '../../../components/format';
import { notify } from '../../../components/toast';
import { ActionMenu, Badge, Button, ErrorNotice, Spinner } from '../../../components/ui';
import { CreateJourneyDialog } from './CreateJourneyDialog';
import { downloadJourney, importRequest } from './journey-file';
import { StatusBadge } from './StatusBadge';

const STATUS_FILTERS = [
  { id: 'all', label: 'All statuses' },
  ...Object.values(JourneyDtoStatus).map((status) => ({ id: status, label: status[0].toUpperCase() + status.slice(1) })),
];

const column = createColumnHelper<JourneySummaryDto>();

function EmptyJourneys({ onCreate }: { onCreate: () => void }) {
  return (
    <section className="empty-state" aria-labelledby="journeys-empty-heading">
      <div className="empty-state__icon" aria-hidden="true">
        <svg viewBox="0 0 48 48" width="48" height="48" fill="none" stroke="currentColor" strokeWidth="2">
          <circle cx="10" cy="24" r="5" />
          <circle cx="38" cy="12" r="5" />
          <circle cx="38" cy="36" r="5" />
          <path d="M15 24h6c4 0 5-12 12-12M21 24c4 0 5 12 12 12" />
        </svg>
      </div>
      <h2 id="journeys-empty-heading">No journeys yet</h2>
      <p>
        Journeys are created with the canvas: you choose the event that starts a journey, then connect waits, branches and messages.
        Journeys in this workspace will be listed here with their status and versions.
      </p>
      <Button variant="primary" onPress={onCreate}>
        <Plus size={16} aria-hidden /> New journey
      </Button>
    </section>
  );
}

/** The journeys of the workspace: status, live version, unpublished changes, runs, entries, last edit; create, import, duplicate, export, archive. */
export function JourneysPage() {
  const journeys = useJourneysList();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState('all');
  const [creating, setCreating] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: getJourneysListQueryKey() });
  const duplicate = useJourneysDuplicate({ mutation: { onSettled: refresh } });
  const archive = useJourneysArchive({ mutation: { onSettled: refresh } });
  const create = useJourneysCreate({ mutation: { onSettled: refresh } });

  const rows = useMemo(() => {
    const needle = search.trim().toLowerCase();
    return (journeys.data ?? []).filter(
      (journey) =>
        (status === 'all' || journey.status === status) &&
        (!needle || journey.name.toLowerCase().includes(needle) || (journey.description ?? '').toLowerCase().includes(needle)),
    );
  }, [journeys.data, search, status]);

  const columns = useMemo(
    () => [
      column.accessor('name', {
        header: 'Journey',
        cell: ({ row }) => (
          <>
            <Link className="table__link" to={`/journeys/${row.original.id}`}>
              {row.original.name}
            </Link>
            {row.original.description && <span className="table__sub">{row.original.description}</span>}
          </>
        ),
      }),
      column.accessor('status', { header: 'Status', cell: ({ getValue }) => <StatusBadge status={getValue()} /> }),
      column.accessor('currentVersion', {
        header: 'Live version',
        cell: ({ row }) => (
          <span className="cell-stack">
            {row.original.currentVersion ? `v${row.original.currentVersion}` : <span className="muted">Not published</span>}
            {row.original.currentVersion !== null && row.original.hasUnpublishedChanges && (
              <Badge tone="warning">Unpublished changes</Badge>
            )}
          </span>
        ),
      }),
      column.accessor('activeRuns', { header: 'Active runs', cell: ({ getValue }) => <span className="num">{count(getValue())}</span> }),
      column.accessor('entriesLast7Days', {
        header: 'Entries (7 days)',
        cell: ({ getValue }) => <span className="num">{count(getValue())}</span>,
      }),
      column.accessor('draftUpdatedAt', {
        header: 'Last edited',
        sortingFn: 'datetime',
        cell: ({ row }) => (
          <span title={dateTime(row.original.draftUpdatedAt)}>
            {timeAgo(row.original.draftUpdatedAt)}
            <span className="table__sub">
              {row.original.draftUpdatedBy?.name ?? (row.original.draftUpdatedBy ? 'a removed account' : '')}
            </span>
          </span>
        ),
      }),
      column.display({
        id: 'actions',
        header: () => <span className="visually-hidden">Actions</span>,
        cell: ({ row }) => (
          <ActionMenu
            label={`Actions for ${row.original.name}`}
            trigger={<MoreHorizontal size={16} aria-hidden />}
            actions={[
              { id: 'duplicate', label: 'Duplicate', icon: <Copy size={14} aria-hidden /> },
              { id: 'export', label: 'Export JSON', icon: <Download size={14} aria-hidden /> },
              {
                id: 'archive',
                label: 'Archive',
                icon: <Archive size={14} aria-hidden />,
                danger: true,
                disabled: row.original.status === 'archived',
              },
            ]}
            onAction={(action) => {
              const journey = row.original;
              if (action === 'export') downloadJourney(journey);
              if (action === 'duplicate') {
                duplicate.mutate(
                  { id: journey.id, data: {} },
                  {
                    onSuccess: (copy) => notify(`Created "${copy.name}"`),
                    onError: (error) => notify('Could not duplicate the journey', { tone: 'danger', description: error.message }),
                  },
                );
              }
              if (action === 'archive') {
                archive.mutate(
                  { id: journey.id },
                  {
                    onSuccess: () => notify(`Archived "${journey.name}"`, { description: 'Its runs in flight were cancelled.' }),
                    onError: (error) => notify('Could not archive the journey', { tone: 'danger', description: error.message }),
                  },
                );
              }
            }}
          />
        ),
      }),
    ],
    [archive, duplicate],
  );

  async function importFile(file: File) {
    try {
      const request = importRequest(await file.text(), file.name);
      create.mutate(
        { data: request },
        {
          onSuccess: (journey) => {
            notify(`Imported "${journey.name}"`);
            navigate(`/journeys/${journey.id}`);
          },
          onError: (error) => notify('Could not import the journey', { tone: 'danger', description: error.message }),
        },
      );
    } catch (error) {
      notify('Could not import the journey', { tone: 'danger', description: (error as Error).message });
    }
  }

  const hasJourneys = (journeys.data?.length ?? 0) > 0;

  return (
    <>
      <title>Journeys · Itinera</title>
      <header className="page-header page-header--actions">
        <div>
          <h1>Journeys</h1>
          <p className="muted">Automated paths that react to what each user does in your product.</p>
        </div>
        <div className="toolbar">
          <Button onPress={() => fileInput.current?.click()}>
            <FileUp size={16} aria-hidden /> Import
          </Button>
          <Button variant="primary" onPress={() => setCreating(true)}>
            <Plus size={16} aria-hidden /> New journey
          </Button>
          <input
            ref={fileInput}
            type="file"
            accept="application/json,.json"
            hidden
            data-testid="import-journey-file"
            onChange={(event) => {
              const file = event.target.files?.[0];
              event.target.value = '';
              if (file) void importFile(file);
            }}
          />
        </div>
      </header>
      {journeys.isPending && <Spinner label="Loading journeys…" />}
      {journeys.isError && (
        <ErrorNotice title="The journeys could not be loaded." error={journeys.error} onRetry={() => void journeys.refetch()} />
      )}
      {journeys.isSuccess && !hasJourneys && <EmptyJourneys onCreate={() => setCreating(true)} />}
      {journeys.isSuccess && hasJourneys && (
        <>
          <div className="filters">
            <div className="filters__search">
              <Search size={16} aria-hidden className="filters__icon" />
              <TextField
                label="Search journeys"
                value={search}
                onChange={setSearch}
                type="search"
                placeholder="Name or description"
                className="field--inline"
              />
            </div>
            <SelectField label="Status" value={status} onChange={setStatus} options={STATUS_FILTERS} className="field--inline" />
          </div>
          <DataTable
            label="Journeys"
            rows={rows}
            columns={columns}
            rowId={(row) => row.id}
            empty={<p className="table__empty">No journey matches the search.</p>}
          />
        </>
      )}
      <CreateJourneyDialog isOpen={creating} onOpenChange={setCreating} />
    </>
  );
}
