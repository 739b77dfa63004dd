import type { NodeHandler } from './node-handler.js';

/** Ends the run, completed. */
export const exitNode: NodeHandler<'exit'> = {
  type: 'exit',
  keepsOutput: false,
  sideEffect: false,
  run: async ({ node }) => ({ kind: 'end', status: 'completed', reason: `reached exit node ${node.id}` }),
};
