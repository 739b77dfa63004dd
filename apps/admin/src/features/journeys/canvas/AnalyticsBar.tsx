import { useAnalyticsJourney } from '@itinera/sdk';
import { X } from 'lucide-react';
import { useEffect, useState } from 'react';
import { SelectField } from '../../../components/fields';
import { IconButton, Spinner } from '../../../components/ui';
import { useEditorStore } from './editor-context';
import { analyticsOverlay, compactCount, percent } from './model/analytics-overlay';

const RANGES = [
  { id: '1', label: 'Last 24 hours', days: 1 },
  { id: '7', label: 'Last 7 days', days: 7 },
  { id: '30', label: 'Last 30 days', days: 30 },
  { id: '90', label: 'Last 90 days', days: 90 },
];

const since = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

/**
 * The journey's real traffic on the canvas: how many runs entered each step, are at it now or
 * failed there, and the share of each port on its edge, for a range and a version.
 */
export function AnalyticsBar({ journeyId, versions, onClose }: { journeyId: string; versions: number[]; onClose: () => void }) {
  const store = useEditorStore();
  const [range, setRange] = useState('30');
  // The range's start is fixed when it is chosen, so the query key stays stable between renders.
  const [from, setFrom] = useState(() => since(30));
  const [version, setVersion] = useState('all');
  const analytics = useAnalyticsJourney(
    journeyId,
    { from, ...(version === 'all' ? {} : { version: Number(version) }) },
    { query: { refetchInterval: 30_000 } },
  );

  useEffect(() => {
    if (analytics.data) store.getState().setAnalytics(analyticsOverlay(analytics.data));
  }, [analytics.data, store]);
  useEffect(() => () => store.getState().setAnalytics(null), [store]);

  return (
    <div className="notice notice--info editor__notice analytics-bar" role="region" aria-label="Analytics on the canvas">
      <SelectField
        label="Range"
        value={range}
        options={RANGES}
        onChange={(id) => {
          setRange(id);
          setFrom(since(RANGES.find((r) => r.id === id)?.days ?? 30));
        }}
        className="field--inline"
      />
      <SelectField
        label="Version"
        value={version}
        options={[{ id: 'all', label: 'All versions' }, ...versions.map((v) => ({ id: String(v), label: `Version ${v}` }))]}
        onChange={setVersion}
        className="field--inline"
      />
      <span className="analytics-bar__summary" data-testid="analytics-summary">
        {analytics.isPending ? (
          <Spinner label="Loading the analytics…" />
        ) : analytics.isError ? (
          `The analytics could not be loaded: ${analytics.error.message}`
        ) : (
          `${compactCount(analytics.data.entered)} entered · ${percent(analytics.data.conversionRate)} converted`
        )}
      </span>
      <IconButton label="Hide the analytics" onPress={onClose}>
        <X size={16} aria-hidden />
      </IconButton>
    </div>
  );
}
