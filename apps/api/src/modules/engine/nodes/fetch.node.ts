import type { FetchRequest } from '@itinera/plugin-sdk';
import type { NodeHandler } from './node-handler.js';
import { errorPort } from './plugin-failure.js';

const DEFAULT_TIMEOUT_MS = 5000;

/** A request through a data-source plugin (Liquid rendered into it); its answer is `data.<nodeId>`. Failure: `error`. */
export const fetchNode: NodeHandler<'fetch'> = {
  type: 'fetch',
  keepsOutput: true,
  sideEffect: true,
  async run({ node, run, idempotencyKey, context, liquid, effects }) {
    try {
      const request = (await liquid.value(node.config.request, await context())) as FetchRequest;
      const timeoutMs = node.config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      const result = await effects.fetch(run, node.config.source, { ...request, timeoutMs }, { idempotencyKey, timeoutMs });
      return { kind: 'next', port: 'next', output: { status: result.status, headers: result.headers, body: result.body } };
    } catch (error) {
      return errorPort(error);
    }
  },
};
