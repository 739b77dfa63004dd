import { splitVariant } from '@itinera/journey-model';
import type { NodeHandler } from './node-handler.js';

/** An A/B split: a weighted variant, sticky per profile (deterministic from profile, journey and node). */
export const splitNode: NodeHandler<'split'> = {
  type: 'split',
  keepsOutput: false,
  sideEffect: false,
  async run({ node, run }) {
    const port = splitVariant(node.config.variants, run.profileId, run.journeyId, node.id);
    return { kind: 'next', port, output: { variant: port } };
  },
};
