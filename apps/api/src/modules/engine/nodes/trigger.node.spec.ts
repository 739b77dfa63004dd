import { nodeStep } from '../../../testing/node-step.js';
import { triggerNode } from './trigger.node.js';

describe('trigger node', () => {
  it('moves on through next with no side effect', async () => {
    const { step, calls } = nodeStep({ id: 'start', type: 'trigger', config: { event: 'signed_up' } });
    expect(await triggerNode.run(step)).toEqual({ kind: 'next', port: 'next' });
    expect(calls).toEqual([]);
  });
});
