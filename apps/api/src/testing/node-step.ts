import type { JourneyDefinition, JourneyNode, NodeType } from '@itinera/journey-model';
import { ConfigRenderer } from '../modules/engine/config-renderer.js';
import { conditionContext } from '../modules/engine/node-runner.js';
import type { NodeEffects, NodeStep, RunState } from '../modules/engine/nodes/node-handler.js';
import type { ProfileView } from '../modules/profiles/profile-view.js';

/** What a fake effect was asked to do, in order. */
export type EffectCall = { effect: keyof NodeEffects; args: unknown[] };

export const sampleProfile = (overrides: Partial<ProfileView> = {}): ProfileView => ({
  id: 'p-1',
  userId: 'u1',
  email: 'ana@example.com',
  phone: null,
  timezone: 'Europe/Berlin',
  locale: 'en',
  traits: { plan: 'trial', account_id: 'acc-9' },
  account: null,
  contactPoints: [],
  workspaceTimezone: 'UTC',
  workspaceLocale: null,
  ...overrides,
});

export const sampleRun = (overrides: Partial<RunState> = {}): RunState => ({
  id: 'r-1',
  workspaceId: 'w-1',
  journeyId: 'j-1',
  version: 1,
  profileId: 'p-1',
  context: {
    event: { name: 'signed_up', properties: { plan: 'trial' } },
    data: {},
    run: { id: 'r-1', journeyId: 'j-1', version: 1, enteredAt: '2026-12-01T09:00:00.000Z' },
    visits: {},
  },
  ...overrides,
});

/**
 * A step of `node` for a handler spec, with effects that record their calls and answer as
 * `answers` says (each defaults to a throw, so a handler calling an effect it should not fails).
 */
export function nodeStep<T extends NodeType>(
  node: Extract<JourneyNode, { type: T }>,
  options: {
    definition?: Partial<JourneyDefinition>;
    run?: RunState;
    profile?: ProfileView;
    attempt?: NodeStep['attempt'];
    now?: Date;
    answers?: Partial<NodeEffects>;
  } = {},
): { step: NodeStep<T>; calls: EffectCall[] } {
  const calls: EffectCall[] = [];
  const record =
    <K extends keyof NodeEffects>(effect: K) =>
    (...args: unknown[]) => {
      calls.push({ effect, args });
      const answer = options.answers?.[effect] as ((...a: unknown[]) => unknown) | undefined;
      if (!answer) throw new Error(`unexpected effect ${effect}`);
      return answer(...args);
    };
  const effects = {
    deliver: record('deliver'),
    setTraits: record('setTraits'),
    fetch: record('fetch'),
    complete: record('complete'),
    webhook: record('webhook'),
  } as unknown as NodeEffects;
  const run = options.run ?? sampleRun();
  const profile = options.profile ?? sampleProfile();
  const step: NodeStep<T> = {
    node,
    definition: { name: 'test', nodes: [node], edges: [], ...options.definition } as JourneyDefinition,
    run,
    visit: 1,
    attempt: options.attempt ?? 'first',
    idempotencyKey: `run:${run.id}:${node.id}:1`,
    now: options.now ?? new Date('2026-12-02T10:00:00Z'),
    profile: async () => profile,
    context: async () => conditionContext(run, profile),
    liquid: new ConfigRenderer(),
    effects,
  };
  return { step, calls };
}
