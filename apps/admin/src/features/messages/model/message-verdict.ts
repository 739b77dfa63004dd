import { explainReason, type ReasonExplanation } from './delivery-reasons';

export interface MessageLike {
  status: string;
  reason: string | null;
  recipient: string | null;
  deferredUntil: string | null;
  channel: string;
}

export interface Verdict {
  tone: 'success' | 'warning' | 'danger' | 'info';
  /** The answer to "did this person get the message, and if not, why?" */
  headline: string;
  explanation: ReasonExplanation | null;
}

const DELIVERED = new Set(['sent', 'delivered', 'opened', 'clicked']);

/** What happened to a message, in one sentence, with the rule or the provider error that decided it. */
export function messageVerdict(message: MessageLike, formatTime: (iso: string) => string): Verdict {
  const explanation = explainReason(message.reason);
  const to = message.recipient ? ` to ${message.recipient}` : '';
  if (DELIVERED.has(message.status)) {
    const what = { sent: 'Sent', delivered: 'Delivered', opened: 'Delivered and opened', clicked: 'Delivered, opened and clicked' }[
      message.status
    ];
    return { tone: 'success', headline: `${what}${to}.`, explanation };
  }
  switch (message.status) {
    case 'throttled':
      return { tone: 'warning', headline: 'Not sent: a delivery rule stopped it.', explanation };
    case 'suppressed':
      return { tone: 'warning', headline: "Not sent: the person's preferences opt out of it.", explanation };
    case 'deferred':
      return {
        tone: 'info',
        headline: message.deferredUntil ? `Not sent yet: waiting until ${formatTime(message.deferredUntil)}.` : 'Not sent yet: waiting.',
        explanation,
      };
    case 'failed':
      return { tone: 'danger', headline: 'Not sent: it failed.', explanation };
    case 'bounced':
      return { tone: 'danger', headline: `Not delivered: the provider could not deliver it${to}.`, explanation };
    case 'unknown':
      return {
        tone: 'danger',
        headline: 'Outcome unknown: the hand-over to the provider was interrupted, so the provider may or may not have it.',
        explanation,
      };
    case 'sending':
      return { tone: 'info', headline: `Being handed to the provider${to}.`, explanation };
    default:
      return { tone: 'info', headline: 'Queued: about to be checked and sent.', explanation };
  }
}
