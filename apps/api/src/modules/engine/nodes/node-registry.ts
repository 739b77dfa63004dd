import type { NodeType } from '@itinera/journey-model';
import { aiNode } from './ai.node.js';
import { branchNode } from './branch.node.js';
import { delayNode } from './delay.node.js';
import { exitNode } from './exit.node.js';
import { fetchNode } from './fetch.node.js';
import type { NodeHandler } from './node-handler.js';
import { sendNode } from './send.node.js';
import { splitNode } from './split.node.js';
import { triggerNode } from './trigger.node.js';
import { updateProfileNode } from './update-profile.node.js';
import { waitForEventNode } from './wait-for-event.node.js';
import { webhookNode } from './webhook.node.js';

/**
 * One handler per node type of the journey model: the type makes a missing or misnamed handler a
 * compile error, and `nodeHandler` refuses a type it does not know at run time.
 */
export const NODE_HANDLERS: { readonly [T in NodeType]: NodeHandler<T> } = {
  trigger: triggerNode,
  send: sendNode,
  delay: delayNode,
  wait_for_event: waitForEventNode,
  branch: branchNode,
  split: splitNode,
  fetch: fetchNode,
  ai: aiNode,
  update_profile: updateProfileNode,
  webhook: webhookNode,
  exit: exitNode,
};

export function nodeHandler<T extends NodeType>(type: T): NodeHandler<T> | undefined {
  return Object.hasOwn(NODE_HANDLERS, type) ? (NODE_HANDLERS[type] as NodeHandler<T>) : undefined;
}
