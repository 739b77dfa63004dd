import type { NodeHandler } from './node-handler.js';

/**
 * Waits for the profile's next `event` (matching `filter`) for up to `timeoutSeconds`. The stream
 * consumer completes the step through `matched` when the event comes; the timer through `timeout`.
 */
export const waitForEventNode: NodeHandler<'wait_for_event'> = {
  type: 'wait_for_event',
  keepsOutput: false,
  sideEffect: false,
  async run({ node, attempt, now }) {
    if (attempt === 'resumed') return { kind: 'next', port: 'timeout', output: { matched: false } };
    const until = new Date(now.getTime() + Number(node.config.timeoutSeconds) * 1000);
    return {
      kind: 'wait',
      until,
      timer: 'wait_timeout',
      waitFor: { event: node.config.event, filter: node.config.filter },
      output: { timeoutAt: until.toISOString() },
    };
  },
};
