import { useJourneysRuns } from '@itinera/sdk';
import { Link } from 'react-router-dom';
import { timeAgo } from '../../../../components/format';
import { Badge, Dialog, ErrorNotice, Spinner } from '../../../../components/ui';

const TONES: Record<string, 'success' | 'info' | 'warning' | 'danger' | 'neutral'> = {
  active: 'info',
  waiting: 'info',
  completed: 'success',
  exited: 'neutral',
  cancelled: 'warning',
  failed: 'danger',
};

/** The journey's latest runs; each opens on its version's canvas. */
export function RunsDrawer({
  journeyId,
  isOpen,
  onOpenChange,
}: {
  journeyId: string;
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const runs = useJourneysRuns(journeyId, { limit: 50 }, { query: { enabled: isOpen, refetchInterval: isOpen ? 5000 : false } });
  return (
    <Dialog title="Runs" isOpen={isOpen} onOpenChange={onOpenChange} drawer>
      {runs.isPending && <Spinner />}
      {runs.isError && <ErrorNotice title="The runs could not be loaded." error={runs.error} />}
      {runs.data?.data.length === 0 && (
        <p className="muted">No run yet: runs start when the journey is published and its trigger happens.</p>
      )}
      <ul className="runs">
        {runs.data?.data.map((run) => (
          <li key={run.id}>
            <Link className="runs__item" to={`/runs/${run.id}`}>
              <span className="runs__user">{run.userId ?? 'anonymous'}</span>
              <Badge tone={TONES[run.status] ?? 'neutral'}>{run.status}</Badge>
              <span className="muted">
                v{run.version} · {timeAgo(run.enteredAt)}
                {run.currentNode ? ` · at ${run.currentNode}` : ''}
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
