import { DEFAULT_PORT, evaluateCondition } from '@itinera/journey-model';
import type { NodeHandler } from './node-handler.js';

/** The first branch whose condition holds over `{ profile, event, data, run }` wins; none: `default`. */
export const branchNode: NodeHandler<'branch'> = {
  type: 'branch',
  keepsOutput: false,
  sideEffect: false,
  async run({ node, context }) {
    const ctx = await context();
    const hit = node.config.branches.find((branch) => evaluateCondition(branch.when, ctx));
    const port = hit?.port ?? DEFAULT_PORT;
    return { kind: 'next', port, output: { port } };
  },
};
