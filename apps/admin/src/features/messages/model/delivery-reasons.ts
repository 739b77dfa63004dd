/**
 * The delivery pipeline's reasons, as people read them: what stopped or delayed a message, and
 * what to do about it. The reasons are the API's (messaging: frequency caps, cooldown, quiet
 * hours, preferences, missing contact points or providers, provider errors).
 */
export interface ReasonExplanation {
  /** What happened, in a sentence. */
  summary: string;
  /** The rule that decided, when one did: a cap's id, "cooldown", "quiet hours". */
  rule?: {
    kind:
      'frequency-cap' | 'cooldown' | 'quiet-hours' | 'preference' | 'contact-point' | 'provider' | 'template' | 'delay' | 'unknown-outcome';
    id?: string;
  };
  /** What to do next, with where to do it. */
  action?: { label: string; to: string };
}

const UNITS: Array<[number, string]> = [
  [86_400 * 7, 'week'],
  [86_400, 'day'],
  [3_600, 'hour'],
  [60, 'minute'],
  [1, 'second'],
];

/** 86400 → "1 day", 5400 → "1 hour 30 minutes", 45 → "45 seconds". */
export function durationWords(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return '0 seconds';
  const parts: string[] = [];
  let rest = Math.round(seconds);
  for (const [size, unit] of UNITS) {
    if (rest >= size) {
      const n = Math.floor(rest / size);
      rest -= n * size;
      parts.push(`${n} ${unit}${n === 1 ? '' : 's'}`);
      if (parts.length === 2) break;
    }
  }
  return parts.join(' ');
}

const CHANNEL_NAMES: Record<string, string> = {
  email: 'e-mail',
  sms: 'SMS',
  push: 'push',
  slack: 'Slack',
  teams: 'Microsoft Teams',
  inapp: 'in-app',
  webhook: 'webhook',
};

const channelName = (channel: string) => CHANNEL_NAMES[channel] ?? channel;

export function explainReason(reason: string | null | undefined): ReasonExplanation | null {
  if (!reason) return null;
  let match = /^frequency cap (.+): at most (\d+) per (\d+)s$/.exec(reason);
  if (match) {
    const [, id, limit, window] = match;
    return {
      summary: `Frequency cap “${id}”: at most ${limit} message${limit === '1' ? '' : 's'} per ${durationWords(Number(window))} to one person.`,
      rule: { kind: 'frequency-cap', id },
      action: { label: 'Review the frequency caps', to: '/settings/delivery' },
    };
  }
  match = /^cooldown: (\d+)s between messages to a profile$/.exec(reason);
  if (match) {
    return {
      summary: `Cooldown: at least ${durationWords(Number(match[1]))} between two messages to one person.`,
      rule: { kind: 'cooldown' },
      action: { label: 'Review the cooldown', to: '/settings/delivery' },
    };
  }
  match = /^quiet hours in (.+)$/.exec(reason);
  if (match) {
    return {
      summary: `Quiet hours in ${match[1]}: the message waits for the end of the window.`,
      rule: { kind: 'quiet-hours' },
      action: { label: 'Review the quiet hours', to: '/settings/delivery' },
    };
  }
  match = /^the profile has no (\w+) contact point$/.exec(reason);
  if (match) {
    return {
      summary: `The person has no ${channelName(match[1])} contact point (address, number or token).`,
      rule: { kind: 'contact-point' },
    };
  }
  match = /^no (\w+) provider is configured$/.exec(reason);
  if (match) {
    return {
      summary: `No ${channelName(match[1])} provider is configured in this workspace.`,
      rule: { kind: 'provider' },
      action: { label: 'Configure a provider', to: '/settings/channels' },
    };
  }
  match = /^opted out of (.+) on (\w+)$/.exec(reason);
  if (match) {
    return {
      summary: `The person opted out of “${match[1]}” on ${channelName(match[2])}.`,
      rule: { kind: 'preference' },
    };
  }
  if (/opted out|unsubscribed|preference/i.test(reason)) return { summary: `Preferences: ${reason}.`, rule: { kind: 'preference' } };
  if (reason.startsWith('template could not be rendered'))
    return {
      summary: `The template could not be rendered: ${reason.replace(/^template could not be rendered:\s*/, '')}`,
      rule: { kind: 'template' },
    };
  if (reason === 'delayed by the request') return { summary: 'The send asked to be delivered later.', rule: { kind: 'delay' } };
  if (reason.startsWith('delivery outcome unknown')) {
    return {
      summary: 'The hand-over to the provider was interrupted (a crash); Itinera did not resend it, to avoid a duplicate.',
      rule: { kind: 'unknown-outcome' },
    };
  }
  return { summary: reason };
}
