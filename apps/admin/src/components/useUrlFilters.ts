import { useSearchParams } from 'react-router-dom';

/** A choice of "the last N hours" for a list's time filter. */
export interface Period {
  id: string;
  label: string;
  hours?: number;
}

/** What `useUrlFilters` gives a page. */
export type UrlFilters<Name extends string> = ReturnType<typeof useUrlFilters<Name>>;

/**
 * A list page's filters, kept in the URL so a filtered view can be reloaded and shared. "all" and
 * "any" clear a filter. Choosing a period also keeps the instant it starts as `from`, fixed when it
 * is chosen, so the query and its cursor stay stable while the page is open.
 */
export function useUrlFilters<Name extends string>(names: readonly Name[], periods: readonly Period[] = []) {
  const [params, setParams] = useSearchParams();
  const value = (name: Name) => params.get(name) ?? '';

  const set = (name: Name, next: string) => {
    const updated = new URLSearchParams(params);
    if (next && next !== 'all' && next !== 'any') updated.set(name, next);
    else updated.delete(name);
    if (name === 'period') {
      const hours = periods.find((p) => p.id === next)?.hours;
      if (hours) updated.set('from', new Date(Date.now() - hours * 3_600_000).toISOString());
      else updated.delete('from');
    }
    setParams(updated, { replace: true });
  };

  return {
    value,
    set,
    /** The start of the chosen period, if one is. */
    from: params.get('from') ?? undefined,
    filtered: names.some((name) => value(name)),
    clear: () => setParams(new URLSearchParams(), { replace: true }),
  };
}
