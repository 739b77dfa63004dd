import { nodeStep, sampleRun } from '../../../testing/node-step.js';
import { branchNode } from './branch.node.js';

describe('branch node', () => {
  const node = {
    id: 'route',
    type: 'branch' as const,
    config: {
      branches: [
        { port: 'at_risk', when: { '==': [{ var: 'data.risk.label' }, 'high'] } },
        { port: 'pro', when: { '==': [{ var: 'profile.traits.plan' }, 'pro'] } },
      ],
    },
  };

  it('takes the first branch whose condition holds over data, profile, event and run', async () => {
    const run = sampleRun();
    run.context.data = { risk: { label: 'high' } };
    const { step } = nodeStep(node, { run });
    expect(await branchNode.run(step)).toEqual({ kind: 'next', port: 'at_risk', output: { port: 'at_risk' } });
  });

  it('takes default when no branch holds', async () => {
    const { step } = nodeStep(node);
    expect(await branchNode.run(step)).toEqual({ kind: 'next', port: 'default', output: { port: 'default' } });
  });
});
