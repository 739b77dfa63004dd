import type { JourneyDefinition } from '@itinera/journey-model';

export interface Starter {
  id: string;
  title: string;
  description: string;
  /** The journey without its name (the user names it). */
  definition: Omit<JourneyDefinition, 'name'>;
}

/** Journeys to start from: each is complete and valid; templates and topics are named for the user to create or rename. */
export const STARTERS: Starter[] = [
  {
    id: 'onboarding',
    title: 'Onboarding',
    description: 'Welcome new sign-ups, nudge them if they have not activated the key feature within 3 days.',
    definition: {
      entry: { reentry: 'once' },
      exit: [{ event: 'subscription_started' }],
      nodes: [
        { id: 'signed_up', type: 'trigger', name: 'Signed up', config: { event: 'signed_up' } },
        {
          id: 'welcome',
          type: 'send',
          name: 'Welcome',
          config: { template: 'welcome', channels: ['email', 'inapp'], routing: 'single', topic: 'onboarding' },
        },
        { id: 'activated', type: 'wait_for_event', name: 'Activated?', config: { event: 'feature_activated', timeoutSeconds: 259_200 } },
        {
          id: 'nudge',
          type: 'send',
          name: 'Activation nudge',
          config: { template: 'activation-nudge', channels: ['email'], topic: 'onboarding' },
        },
        { id: 'done', type: 'exit' },
      ],
      edges: [
        { from: 'signed_up', to: 'welcome' },
        { from: 'welcome', to: 'activated' },
        { from: 'activated', port: 'matched', to: 'done' },
        { from: 'activated', port: 'timeout', to: 'nudge' },
        { from: 'nudge', to: 'done' },
      ],
    },
  },
  {
    id: 'trial-conversion',
    title: 'Trial conversion',
    description: 'Remind trial users 3 days before the trial ends, at 9:00 their time; stop as soon as they subscribe.',
    definition: {
      entry: { reentry: 'once' },
      exit: [{ event: 'subscription_started' }],
      nodes: [
        { id: 'trial_started', type: 'trigger', name: 'Trial started', config: { event: 'trial_started' } },
        {
          id: 'before_end',
          type: 'delay',
          name: '3 days before the end',
          config: { untilTrait: 'trial_ends_at', offsetSeconds: -259_200 },
        },
        {
          id: 'morning',
          type: 'delay',
          name: 'Next 9:00',
          config: { until: { time: '09:00', timezone: 'profile', days: ['mon', 'tue', 'wed', 'thu', 'fri'] } },
        },
        {
          id: 'engaged',
          type: 'branch',
          name: 'Engaged?',
          config: { branches: [{ port: 'engaged', when: { '>=': [{ var: 'profile.traits.active_days' }, 5] } }] },
        },
        {
          id: 'upgrade',
          type: 'send',
          name: 'Upgrade offer',
          config: { template: 'trial-upgrade', channels: ['email'], topic: 'billing' },
        },
        { id: 'help', type: 'send', name: 'Offer help', config: { template: 'trial-help', channels: ['email'], topic: 'onboarding' } },
        { id: 'done', type: 'exit' },
      ],
      edges: [
        { from: 'trial_started', to: 'before_end' },
        { from: 'before_end', to: 'morning' },
        { from: 'morning', to: 'engaged' },
        { from: 'engaged', port: 'engaged', to: 'upgrade' },
        { from: 'engaged', port: 'default', to: 'help' },
        { from: 'upgrade', to: 'done' },
        { from: 'help', to: 'done' },
      ],
    },
  },
  {
    id: 're-engagement',
    title: 'Re-engagement',
    description: 'When a user goes quiet, test two win-back messages and mark who came back.',
    definition: {
      entry: { reentry: { afterSeconds: 2_592_000 } },
      exit: [{ event: 'session_started' }],
      nodes: [
        { id: 'went_quiet', type: 'trigger', name: 'Went quiet', config: { event: 'went_quiet' } },
        {
          id: 'ab',
          type: 'split',
          name: 'Which message',
          config: {
            variants: [
              { port: 'a', weight: 50 },
              { port: 'b', weight: 50 },
            ],
          },
        },
        {
          id: 'miss_you',
          type: 'send',
          name: 'We miss you',
          config: { template: 'win-back-a', channels: ['email'], topic: 'product-updates' },
        },
        {
          id: 'whats_new',
          type: 'send',
          name: "What's new",
          config: { template: 'win-back-b', channels: ['email', 'push'], routing: 'single', topic: 'product-updates' },
        },
        { id: 'came_back', type: 'wait_for_event', name: 'Came back?', config: { event: 'session_started', timeoutSeconds: 604_800 } },
        { id: 'mark', type: 'update_profile', name: 'Mark reactivated', config: { set: { reactivated_at: '{{ event.timestamp }}' } } },
        { id: 'done', type: 'exit' },
      ],
      edges: [
        { from: 'went_quiet', to: 'ab' },
        { from: 'ab', port: 'a', to: 'miss_you' },
        { from: 'ab', port: 'b', to: 'whats_new' },
        { from: 'miss_you', to: 'came_back' },
        { from: 'whats_new', to: 'came_back' },
        { from: 'came_back', port: 'matched', to: 'mark' },
        { from: 'came_back', port: 'timeout', to: 'done' },
        { from: 'mark', to: 'done' },
      ],
    },
  },
  {
    id: 'expansion',
    title: 'Expansion',
    description: 'When an account hits a plan limit, check its health in your CRM and route it to sales or a self-serve upgrade.',
    definition: {
      entry: { reentry: { afterSeconds: 1_209_600 } },
      exit: [{ event: 'plan_upgraded' }],
      caps: [{ limit: 2, windowSeconds: 604_800 }],
      nodes: [
        {
          id: 'hit_limit',
          type: 'trigger',
          name: 'Hit a limit',
          config: { event: 'hit_limit', filter: { '!=': [{ var: 'profile.traits.plan' }, 'enterprise'] } },
        },
        {
          id: 'account',
          type: 'fetch',
          name: 'Account health',
          config: {
            source: 'http',
            request: { method: 'GET', url: 'https://crm.example.com/accounts/{{ profile.traits.account_id }}' },
            timeoutMs: 2000,
          },
        },
        {
          id: 'size',
          type: 'branch',
          name: 'Big account?',
          config: { branches: [{ port: 'large', when: { '>=': [{ var: 'data.account.body.seats' }, 50] } }] },
        },
        {
          id: 'tell_sales',
          type: 'webhook',
          name: 'Tell sales',
          config: {
            url: 'https://hooks.example.com/sales',
            body: { userId: '{{ profile.userId }}', limit: '{{ event.properties.limit }}' },
          },
        },
        {
          id: 'upgrade',
          type: 'send',
          name: 'Upgrade prompt',
          config: { template: 'upgrade-prompt', channels: ['inapp', 'email'], routing: 'single', topic: 'billing' },
        },
        { id: 'done', type: 'exit' },
      ],
      edges: [
        { from: 'hit_limit', to: 'account' },
        { from: 'account', to: 'size' },
        { from: 'account', port: 'error', to: 'upgrade' },
        { from: 'size', port: 'large', to: 'tell_sales' },
        { from: 'size', port: 'default', to: 'upgrade' },
        { from: 'tell_sales', to: 'done' },
        { from: 'upgrade', to: 'done' },
      ],
    },
  },
];

/** A blank journey: an empty canvas. */
export const BLANK: Omit<JourneyDefinition, 'name'> = { entry: { reentry: 'once' }, nodes: [], edges: [] };
