import { getTemplatesListQueryKey, type TemplateSummaryDto, useJourneysList, useTemplatesList, useTemplatesRemove } from '@itinera/sdk';
import { useQueryClient } from '@tanstack/react-query';
import { createColumnHelper } from '@tanstack/react-table';
import { FileText, MoreHorizontal, Plus, Search, Trash2 } from 'lucide-react';
import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { DataTable } from '../../components/DataTable';
import { SelectField, TextField } from '../../components/fields';
import { dateTime, timeAgo } from '../../components/format';
import { notify } from '../../components/toast';
import { ActionMenu, Badge, Button, Dialog, ErrorNotice, Spinner } from '../../components/ui';
import { useSession } from '../auth/useSession';
import { CreateTemplateDialog } from './components/CreateTemplateDialog';
import { TemplateStatus } from './components/TemplateStatus';
import { CHANNEL_LABELS, TEMPLATE_CHANNELS } from './model/template-content';
import { templateUsage } from './model/template-variables';
import './templates.css';

const column = createColumnHelper<TemplateSummaryDto>();

const STATUS_FILTERS = [
  { id: 'all', label: 'All statuses' },
  { id: 'draft', label: 'Not published' },
  { id: 'published', label: 'Published' },
  { id: 'changes', label: 'Unpublished changes' },
];

const CHANNEL_FILTERS = [{ id: 'all', label: 'All channels' }, ...TEMPLATE_CHANNELS.map((c) => ({ id: c, label: CHANNEL_LABELS[c] }))];

function matchesStatus(template: TemplateSummaryDto, status: string): boolean {
  if (status === 'draft') return template.publishedVersion === null;
  if (status === 'published') return template.publishedVersion !== null;
  if (status === 'changes') return template.publishedVersion !== null && template.hasUnpublishedChanges;
  return true;
}

/** The message templates of the workspace: channels, status, last edit and the journeys that send them. */
export function TemplatesPage() {
  const templates = useTemplatesList();
  const journeys = useJourneysList({ query: { staleTime: 60_000 } });
  const { data: session } = useSession();
  const canEdit = session?.role !== 'viewer';
  const queryClient = useQueryClient();
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState('all');
  const [channel, setChannel] = useState('all');
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<TemplateSummaryDto | null>(null);
  const remove = useTemplatesRemove({
    mutation: { onSettled: () => queryClient.invalidateQueries({ queryKey: getTemplatesListQueryKey() }) },
  });
  const usage = useMemo(() => templateUsage(journeys.data ?? []), [journeys.data]);

  const rows = useMemo(() => {
    const needle = search.trim().toLowerCase();
    return (templates.data ?? []).filter(
      (t) =>
        matchesStatus(t, status) &&
        (channel === 'all' || (t.channels as string[]).includes(channel)) &&
        (!needle || t.name.toLowerCase().includes(needle) || t.key.includes(needle)),
    );
  }, [templates.data, search, status, channel]);

  const columns = useMemo(
    () => [
      column.accessor('name', {
        header: 'Template',
        cell: ({ row }) => (
          <>
            <Link className="table__link" to={`/templates/${row.original.key}`}>
              {row.original.name}
            </Link>
            <span className="table__sub">
              <code>{row.original.key}</code>
              {row.original.description ? ` · ${row.original.description}` : ''}
            </span>
          </>
        ),
      }),
      column.accessor('channels', {
        header: 'Channels',
        enableSorting: false,
        cell: ({ getValue }) => (
          <span className="badge-row">
            {getValue().map((c) => (
              <Badge key={c} tone="info">
                {CHANNEL_LABELS[c]}
              </Badge>
            ))}
          </span>
        ),
      }),
      column.accessor('publishedVersion', {
        header: 'Status',
        cell: ({ row }) => (
          <TemplateStatus publishedVersion={row.original.publishedVersion} hasUnpublishedChanges={row.original.hasUnpublishedChanges} />
        ),
      }),
      column.accessor('draftUpdatedAt', {
        header: 'Last edited',
        sortingFn: 'datetime',
        cell: ({ getValue }) => <span title={dateTime(getValue())}>{timeAgo(getValue())}</span>,
      }),
      column.display({
        id: 'journeys',
        header: 'Used by',
        cell: ({ row }) => {
          const list = usage.get(row.original.key) ?? [];
          if (journeys.isPending) return <span className="muted">…</span>;
          if (list.length === 0) return <span className="muted">No journey</span>;
          return (
            <ul className="inline-list">
              {list.map((journey) => (
                <li key={journey.id}>
                  <Link to={`/journeys/${journey.id}`}>{journey.name}</Link>
                </li>
              ))}
            </ul>
          );
        },
      }),
      column.display({
        id: 'actions',
        header: () => <span className="visually-hidden">Actions</span>,
        cell: ({ row }) =>
          canEdit ? (
            <ActionMenu
              label={`Actions for ${row.original.name}`}
              trigger={<MoreHorizontal size={16} aria-hidden />}
              actions={[{ id: 'delete', label: 'Delete', icon: <Trash2 size={14} aria-hidden />, danger: true }]}
              onAction={() => setDeleting(row.original)}
            />
          ) : null,
      }),
    ],
    [usage, journeys.isPending, canEdit],
  );

  const hasTemplates = (templates.data?.length ?? 0) > 0;
  const usedBy = deleting ? (usage.get(deleting.key) ?? []) : [];

  return (
    <>
      <title>Templates · Itinera</title>
      <header className="page-header page-header--actions">
        <div>
          <h1>Templates</h1>
          <p className="muted">The messages journeys and POST /send deliver, per channel, with locale variants and versions.</p>
        </div>
        {canEdit && (
          <Button variant="primary" onPress={() => setCreating(true)}>
            <Plus size={16} aria-hidden /> New template
          </Button>
        )}
      </header>
      {templates.isPending && <Spinner label="Loading templates…" />}
      {templates.isError && (
        <ErrorNotice title="The templates could not be loaded." error={templates.error} onRetry={() => void templates.refetch()} />
      )}
      {templates.isSuccess && !hasTemplates && (
        <section className="empty-state" aria-labelledby="templates-empty-heading">
          <div className="empty-state__icon" aria-hidden="true">
            <FileText size={40} />
          </div>
          <h2 id="templates-empty-heading">No templates yet</h2>
          <p>
            A template holds what a message says on each channel: an MJML e-mail, an SMS, a push notification, a chat or in-app message, or
            a webhook body. Journeys&apos; send steps and POST /send name it by its key.
          </p>
          {canEdit && (
            <Button variant="primary" onPress={() => setCreating(true)}>
              <Plus size={16} aria-hidden /> New template
            </Button>
          )}
        </section>
      )}
      {templates.isSuccess && hasTemplates && (
        <>
          <div className="filters">
            <div className="filters__search">
              <Search size={16} aria-hidden className="filters__icon" />
              <TextField
                label="Search templates"
                value={search}
                onChange={setSearch}
                type="search"
                placeholder="Name or key"
                className="field--inline"
              />
            </div>
            <SelectField label="Status" value={status} onChange={setStatus} options={STATUS_FILTERS} className="field--inline" />
            <SelectField label="Channel" value={channel} onChange={setChannel} options={CHANNEL_FILTERS} className="field--inline" />
          </div>
          <DataTable
            label="Templates"
            rows={rows}
            columns={columns}
            rowId={(row) => row.key}
            empty={<p className="table__empty">No template matches the filters.</p>}
          />
        </>
      )}
      <CreateTemplateDialog isOpen={creating} onOpenChange={setCreating} />
      <Dialog
        title={deleting ? `Delete “${deleting.name}”?` : 'Delete'}
        isOpen={deleting !== null}
        onOpenChange={(open) => !open && setDeleting(null)}
        footer={
          <>
            <Button onPress={() => setDeleting(null)}>Cancel</Button>
            <Button
              variant="danger"
              isDisabled={remove.isPending}
              onPress={() =>
                deleting &&
                remove.mutate(
                  { key: deleting.key },
                  {
                    onSuccess: () => {
                      notify(`Deleted “${deleting.name}”`);
                      setDeleting(null);
                    },
                    onError: (error) => notify('The template could not be deleted', { tone: 'danger', description: error.message }),
                  },
                )
              }
            >
              Delete template
            </Button>
          </>
        }
      >
        <p>The draft and every published version are deleted. Messages already sent keep their content.</p>
        {usedBy.length > 0 && (
          <p className="notice notice--warning">
            {usedBy.map((j) => j.name).join(', ')} {usedBy.length === 1 ? 'sends' : 'send'} this template: their send steps will fail until
            they name another one.
          </p>
        )}
      </Dialog>
    </>
  );
}
