import type { WebhookMessage } from '@itinera/plugin-sdk';
import type { NodeHandler } from './node-handler.js';
import { errorPort } from './plugin-failure.js';

const TIMEOUT_MS = 10_000;

/**
 * Syncs data out: a signed JSON request (Standard Webhooks) through the workspace's webhook
 * provider, recorded in the message log like every message. Body default: the run context.
 * Delivered: `next` (the output is `data.<nodeId>`); otherwise `error`.
 */
export const webhookNode: NodeHandler<'webhook'> = {
  type: 'webhook',
  keepsOutput: true,
  sideEffect: true,
  async run({ node, run, idempotencyKey, context, liquid, effects }) {
    try {
      const ctx = await context();
      const message: WebhookMessage = {
        url: await liquid.string(node.config.url, ctx),
        method: node.config.method ?? 'POST',
        headers: node.config.headers,
        body: await liquid.value(node.config.body ?? { profile: ctx.profile, event: ctx.event, data: ctx.data, run: ctx.run }, ctx),
      };
      const outcome = await effects.webhook(run, node.id, message, { idempotencyKey, timeoutMs: TIMEOUT_MS });
      if (outcome.status === 'sent')
        return { kind: 'next', port: 'next', output: { messageId: outcome.messageId, providerMessageId: outcome.providerMessageId } };
      return { kind: 'next', port: 'error', output: { error: outcome.reason, messageId: outcome.messageId, status: outcome.status } };
    } catch (error) {
      return errorPort(error);
    }
  },
};
