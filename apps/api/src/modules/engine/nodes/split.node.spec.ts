import { nodeStep, sampleRun } from '../../../testing/node-step.js';
import { splitNode } from './split.node.js';

describe('split node', () => {
  const node = {
    id: 'ab',
    type: 'split' as const,
    config: {
      variants: [
        { port: 'a', weight: 50 },
        { port: 'b', weight: 50 },
      ],
    },
  };

  it('gives a profile the same variant every time', async () => {
    const ports = new Set<string>();
    for (let i = 0; i < 5; i += 1) {
      const { step } = nodeStep(node);
      const result = await splitNode.run(step);
      if (result.kind === 'next') ports.add(result.port);
    }
    expect(ports.size).toBe(1);
  });

  it('spreads profiles over the variants by weight', async () => {
    const counts: Record<string, number> = { a: 0, b: 0 };
    for (let i = 0; i < 400; i += 1) {
      const { step } = nodeStep(node, { run: sampleRun({ profileId: `p-${i}` }) });
      const result = await splitNode.run(step);
      if (result.kind === 'next') counts[result.port] += 1;
    }
    expect(counts.a).toBeGreaterThan(140);
    expect(counts.b).toBeGreaterThan(140);
  });
});
