import { nodeStep } from '../../../testing/node-step.js';
import { waitForEventNode } from './wait-for-event.node.js';

describe('wait_for_event node', () => {
  const node = {
    id: 'w',
    type: 'wait_for_event' as const,
    config: { event: 'feature_activated', filter: { '==': [{ var: 'event.properties.f' }, 'x'] }, timeoutSeconds: 3600 },
  };

  it('waits for the event (with its filter) and sets its timeout', async () => {
    const { step } = nodeStep(node);
    expect(await waitForEventNode.run(step)).toEqual({
      kind: 'wait',
      until: new Date('2026-12-02T11:00:00Z'),
      timer: 'wait_timeout',
      waitFor: { event: 'feature_activated', filter: node.config.filter },
      output: { timeoutAt: '2026-12-02T11:00:00.000Z' },
    });
  });

  it('takes timeout when its timer fired (a matching event completes the step through matched instead)', async () => {
    const { step } = nodeStep(node, { attempt: 'resumed' });
    expect(await waitForEventNode.run(step)).toEqual({ kind: 'next', port: 'timeout', output: { matched: false } });
  });
});
