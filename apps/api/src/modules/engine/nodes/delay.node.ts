import { delayUntil } from '../delay-schedule.js';
import type { NodeHandler } from './node-handler.js';

/** Waits `seconds`, until a local time of day, or until a profile date trait plus an offset; then `next`. */
export const delayNode: NodeHandler<'delay'> = {
  type: 'delay',
  keepsOutput: false,
  sideEffect: false,
  async run({ node, attempt, now, profile }) {
    if (attempt === 'resumed') return { kind: 'next', port: 'next' };
    const p = await profile();
    const until = delayUntil(node.config, { now, profileTimezone: p.timezone, workspaceTimezone: p.workspaceTimezone, traits: p.traits });
    return { kind: 'wait', until, timer: 'delay', output: { until: until.toISOString() } };
  },
};
