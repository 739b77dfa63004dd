import type { NodeHandler } from './node-handler.js';

/** Entry: the run starts past it (its step is recorded when the run is entered); a retry just moves on. */
export const triggerNode: NodeHandler<'trigger'> = {
  type: 'trigger',
  keepsOutput: false,
  sideEffect: false,
  run: async () => ({ kind: 'next', port: 'next' }),
};
