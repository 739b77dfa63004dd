import { getProfilesListQueryKey, type ProfileDto, profilesList } from '@itinera/sdk';
import { useInfiniteQuery } from '@tanstack/react-query';
import { createColumnHelper } from '@tanstack/react-table';
import { Search, Users } from 'lucide-react';
import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { DataTable } from '../../components/DataTable';
import { LoadMoreFooter } from '../../components/LoadMoreFooter';
import { SelectField, TextField } from '../../components/fields';
import { dateTime, timeAgo } from '../../components/format';
import { ErrorNotice, Spinner } from '../../components/ui';
import { useDebounced } from '../templates/hooks/useDebounced';
import { type ProfileSearch, type SearchMode, searchParams } from './model/profile-edits';
import './profiles.css';

const PAGE_SIZE = 50;
const column = createColumnHelper<ProfileDto>();

const MODES: Array<{ id: SearchMode; label: string }> = [
  { id: 'prefix', label: 'User id or e-mail starts with' },
  { id: 'email', label: 'E-mail is exactly' },
  { id: 'trait', label: 'Trait equals' },
];

function traitSummary(traits: Record<string, unknown>): string {
  const entries = Object.entries(traits).slice(0, 3);
  return entries.map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`).join(' · ');
}

/** Profiles of the workspace, found by user id, e-mail or a trait, a page at a time (keyset pagination). */
export function ProfilesPage() {
  const [search, setSearch] = useState<ProfileSearch>({ mode: 'prefix', text: '', trait: '' });
  const settled = useDebounced(search, 300);
  const params = searchParams(settled);
  const profiles = useInfiniteQuery({
    queryKey: [...getProfilesListQueryKey(params ?? {}), 'pages'],
    queryFn: ({ pageParam, signal }) => profilesList({ ...params, limit: PAGE_SIZE, cursor: pageParam }, { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    enabled: params !== null,
  });
  const rows = useMemo(() => profiles.data?.pages.flatMap((page) => page.data) ?? [], [profiles.data]);
  const searching = Boolean(settled.text.trim() || settled.trait.trim());

  const columns = useMemo(
    () => [
      column.accessor('userId', {
        header: 'User',
        cell: ({ row }) =>
          row.original.userId ? (
            <>
              <Link className="table__link" to={`/profiles/${encodeURIComponent(row.original.userId)}`}>
                {row.original.userId}
              </Link>
              {row.original.email && <span className="table__sub">{row.original.email}</span>}
            </>
          ) : (
            <span className="muted">Anonymous ({row.original.anonymousIds[0] ?? row.original.id})</span>
          ),
      }),
      column.accessor('traits', {
        header: 'Traits',
        enableSorting: false,
        cell: ({ getValue }) => <span className="trait-summary">{traitSummary(getValue()) || <span className="muted">None</span>}</span>,
      }),
      column.accessor('locale', {
        header: 'Locale · time zone',
        enableSorting: false,
        cell: ({ row }) => (
          <span>
            {row.original.locale ?? '—'} · {row.original.timezone ?? <span className="muted">workspace default</span>}
          </span>
        ),
      }),
      column.accessor('lastSeenAt', {
        header: 'Last seen',
        enableSorting: false,
        cell: ({ getValue }) => {
          const value = getValue();
          return value ? <span title={dateTime(value)}>{timeAgo(value)}</span> : <span className="muted">Never</span>;
        },
      }),
      column.accessor('createdAt', {
        header: 'Created',
        enableSorting: false,
        cell: ({ getValue }) => <span title={dateTime(getValue())}>{timeAgo(getValue())}</span>,
      }),
    ],
    [],
  );

  return (
    <>
      <title>Profiles · Itinera</title>
      <header className="page-header">
        <h1>Profiles</h1>
        <p className="muted">
          The people your product sends events about: look one up to see their traits, runs, messages and preferences.
        </p>
      </header>
      <div className="filters">
        <SelectField
          label="Find by"
          value={search.mode}
          onChange={(mode) => setSearch({ ...search, mode: mode as SearchMode })}
          options={MODES}
          className="field--inline"
        />
        {search.mode === 'trait' && (
          <TextField
            label="Trait"
            value={search.trait}
            onChange={(trait) => setSearch({ ...search, trait })}
            placeholder="plan"
            className="field--inline"
          />
        )}
        <div className="filters__search">
          <Search size={16} aria-hidden className="filters__icon" />
          <TextField
            label={search.mode === 'trait' ? 'Value' : 'Search profiles'}
            value={search.text}
            onChange={(text) => setSearch({ ...search, text })}
            type="search"
            placeholder={search.mode === 'email' ? 'ada@example.com' : search.mode === 'trait' ? 'pro' : 'User id or e-mail'}
            className="field--inline"
          />
        </div>
      </div>
      {params === null && <p className="notice notice--info">Name the trait to search by.</p>}
      {profiles.isPending && params !== null && <Spinner label="Loading profiles…" />}
      {profiles.isError && (
        <ErrorNotice title="The profiles could not be loaded." error={profiles.error} onRetry={() => void profiles.refetch()} />
      )}
      {profiles.isSuccess && rows.length === 0 && !searching && (
        <section className="empty-state" aria-labelledby="profiles-empty-heading">
          <div className="empty-state__icon" aria-hidden="true">
            <Users size={40} />
          </div>
          <h2 id="profiles-empty-heading">No profiles yet</h2>
          <p>
            A profile is made when your product sends an identify or track call (or POST /api/profiles) for a user. Set up ingestion with
            the write key under Settings → API keys.
          </p>
        </section>
      )}
      {profiles.isSuccess && (rows.length > 0 || searching) && (
        <>
          <DataTable
            label="Profiles"
            rows={rows}
            columns={columns}
            rowId={(row) => row.id}
            empty={<p className="table__empty">No profile matches. Try a shorter prefix, or another way to find it.</p>}
          />
          <LoadMoreFooter shown={rows.length} noun={['profile', 'profiles']} pages={profiles} />
        </>
      )}
    </>
  );
}
