import { nodeStep } from '../../../testing/node-step.js';
import { updateProfileNode } from './update-profile.node.js';

describe('update_profile node', () => {
  it('renders Liquid in the values and writes them as traits', async () => {
    const node = {
      id: 'u',
      type: 'update_profile' as const,
      config: { set: { onboarded: true, source: '{{ event.name }}', nested: ['{{ profile.traits.plan }}'] } },
    };
    const { step, calls } = nodeStep(node, { answers: { setTraits: async () => undefined } });
    const set = { onboarded: true, source: 'signed_up', nested: ['trial'] };
    expect(await updateProfileNode.run(step)).toEqual({ kind: 'next', port: 'next', output: { set } });
    expect(calls).toEqual([{ effect: 'setTraits', args: [step.run, set] }]);
  });
});
