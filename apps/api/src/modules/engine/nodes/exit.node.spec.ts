import { nodeStep } from '../../../testing/node-step.js';
import { exitNode } from './exit.node.js';

describe('exit node', () => {
  it('ends the run, completed, naming itself', async () => {
    const { step } = nodeStep({ id: 'done', type: 'exit' });
    expect(await exitNode.run(step)).toEqual({ kind: 'end', status: 'completed', reason: 'reached exit node done' });
  });
});
