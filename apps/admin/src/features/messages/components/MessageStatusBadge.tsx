import { Badge } from '../../../components/ui';

type Tone = 'neutral' | 'success' | 'warning' | 'danger' | 'info';

/** Every status of the message lifecycle, `unknown` included (a hand-over a crash interrupted). */
export const MESSAGE_STATUSES: Record<string, { label: string; tone: Tone; meaning: string }> = {
  queued: { label: 'Queued', tone: 'neutral', meaning: 'Accepted, about to be checked and sent.' },
  deferred: { label: 'Deferred', tone: 'warning', meaning: 'Waiting: quiet hours, a cap that defers, or a requested delay.' },
  throttled: { label: 'Throttled', tone: 'warning', meaning: 'Not sent: a frequency cap or cooldown stopped it.' },
  suppressed: { label: 'Suppressed', tone: 'warning', meaning: "Not sent: the person's preferences opt out of it." },
  sending: { label: 'Sending', tone: 'info', meaning: 'Being handed to the provider.' },
  unknown: { label: 'Unknown', tone: 'danger', meaning: 'The hand-over was interrupted (a crash): the provider may or may not have it.' },
  sent: { label: 'Sent', tone: 'success', meaning: 'The provider accepted it.' },
  delivered: { label: 'Delivered', tone: 'success', meaning: 'The provider reported it delivered.' },
  opened: { label: 'Opened', tone: 'success', meaning: 'The person opened it.' },
  clicked: { label: 'Clicked', tone: 'success', meaning: 'The person clicked a link in it.' },
  failed: { label: 'Failed', tone: 'danger', meaning: 'Not sent: every provider failed, or the template could not be rendered.' },
  bounced: { label: 'Bounced', tone: 'danger', meaning: 'The provider could not deliver it to the address.' },
};

export function MessageStatusBadge({ status }: { status: string }) {
  const known = MESSAGE_STATUSES[status];
  return <Badge tone={known?.tone ?? 'neutral'}>{known?.label ?? status}</Badge>;
}
