import type { NodeHandler } from './node-handler.js';

/** Writes traits to the profile (strings are Liquid over the run context); then `next`. */
export const updateProfileNode: NodeHandler<'update_profile'> = {
  type: 'update_profile',
  keepsOutput: false,
  sideEffect: true,
  async run({ node, run, context, liquid, effects }) {
    const set = (await liquid.value(node.config.set ?? {}, await context())) as Record<string, unknown>;
    await effects.setTraits(run, set);
    return { kind: 'next', port: 'next', output: { set } };
  },
};
