import { nextNode } from '@itinera/journey-model';
import type { NodeHandler } from './node-handler.js';

/**
 * A message through the delivery pipeline (routing, preferences, caps, quiet hours). Sent: `next`;
 * deferred (quiet hours, a cap that defers): the step waits and retries when due; unknown (an
 * interrupted hand-over the provider cannot clear up) counts as sent; anything else:
 * `failed` when that port is connected, else `next`. The idempotency key makes it one message per
 * step whatever the retries.
 */
export const sendNode: NodeHandler<'send'> = {
  type: 'send',
  keepsOutput: false,
  sideEffect: true,
  async run({ node, definition, run, idempotencyKey, effects }) {
    const outcome = await effects.deliver({
      workspaceId: run.workspaceId,
      profileId: run.profileId,
      templateKey: node.config.template,
      channels: node.config.channels ?? null,
      routing: node.config.routing ?? 'single',
      topic: node.config.topic ?? null,
      urgent: node.config.urgent,
      data: run.context.data,
      event: run.context.event,
      run: run.context.run,
      idempotencyBase: idempotencyKey,
      journey: { journeyId: run.journeyId, runId: run.id, nodeId: node.id, caps: definition.caps },
    });
    if (outcome.status === 'deferred' && outcome.deferredUntil) {
      return { kind: 'wait', until: new Date(outcome.deferredUntil), timer: 'send_retry', output: outcome };
    }
    // An unknown outcome (a hand-over interrupted by a crash) may be a delivered message: not a failure.
    if (outcome.status === 'sent' || outcome.status === 'unknown') return { kind: 'next', port: 'next', output: outcome };
    const failedConnected = nextNode(definition, node.id, 'failed') !== undefined;
    return { kind: 'next', port: failedConnected ? 'failed' : 'next', output: outcome };
  },
};
