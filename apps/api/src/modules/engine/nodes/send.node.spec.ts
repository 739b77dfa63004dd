import type { DeliveryOutcome } from '../../messaging/delivery/delivery.service.js';
import { nodeStep } from '../../../testing/node-step.js';
import { sendNode } from './send.node.js';

const node = {
  id: 'welcome',
  type: 'send' as const,
  config: { template: 'welcome', channels: ['email', 'inapp'], routing: 'single' as const, topic: 'onboarding' },
};
const answering = (outcome: DeliveryOutcome) => ({ deliver: async () => outcome });

describe('send node', () => {
  it('delivers the template with the step as idempotency base and the journey caps; sent → next', async () => {
    const outcome: DeliveryOutcome = { status: 'sent', channels: [{ channel: 'email', status: 'sent', messageId: 'm-1' }] };
    const caps = [{ limit: 1, windowSeconds: 60 }];
    const { step, calls } = nodeStep(node, { answers: answering(outcome), definition: { caps } });
    expect(await sendNode.run(step)).toEqual({ kind: 'next', port: 'next', output: outcome });
    expect(calls[0].args[0]).toMatchObject({
      workspaceId: 'w-1',
      profileId: 'p-1',
      templateKey: 'welcome',
      channels: ['email', 'inapp'],
      routing: 'single',
      topic: 'onboarding',
      idempotencyBase: 'run:r-1:welcome:1',
      journey: { journeyId: 'j-1', runId: 'r-1', nodeId: 'welcome', caps },
    });
  });

  it('waits on a send_retry timer when delivery is deferred', async () => {
    const outcome: DeliveryOutcome = { status: 'deferred', channels: [], deferredUntil: '2026-12-02T12:00:00.000Z' };
    const { step } = nodeStep(node, { answers: answering(outcome), attempt: 'retry' });
    expect(await sendNode.run(step)).toEqual({
      kind: 'wait',
      until: new Date('2026-12-02T12:00:00Z'),
      timer: 'send_retry',
      output: outcome,
    });
  });

  it('takes failed when that port is connected, else next', async () => {
    const outcome: DeliveryOutcome = { status: 'suppressed', channels: [] };
    const connected = nodeStep(node, {
      answers: answering(outcome),
      definition: { edges: [{ from: 'welcome', port: 'failed', to: 'x' }] },
    });
    expect(await sendNode.run(connected.step)).toMatchObject({ kind: 'next', port: 'failed' });
    const unconnected = nodeStep(node, { answers: answering(outcome) });
    expect(await sendNode.run(unconnected.step)).toMatchObject({ kind: 'next', port: 'next' });
  });
});
