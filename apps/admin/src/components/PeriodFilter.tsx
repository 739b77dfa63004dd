import { SelectField } from './fields';
import { Button } from './ui';
import type { Period, UrlFilters } from './useUrlFilters';

/** The end of a list page's filter bar: the time period, and "Clear filters" while any filter is set. */
export function PeriodFilter({ filters, periods }: { filters: UrlFilters<'period'>; periods: Period[] }) {
  return (
    <>
      <SelectField
        label="Time"
        value={filters.value('period') || 'any'}
        onChange={(v) => filters.set('period', v)}
        options={periods}
        className="field--inline"
      />
      {filters.filtered && (
        <Button variant="ghost" onPress={filters.clear}>
          Clear filters
        </Button>
      )}
    </>
  );
}
