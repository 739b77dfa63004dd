import { Badge } from '../../../components/ui';

const TONES = { draft: 'neutral', active: 'success', paused: 'warning', archived: 'neutral' } as const;
const LABELS = { draft: 'Draft', active: 'Active', paused: 'Paused', archived: 'Archived' } as const;

export function StatusBadge({ status }: { status: keyof typeof TONES }) {
  return <Badge tone={TONES[status] ?? 'neutral'}>{LABELS[status] ?? status}</Badge>;
}
