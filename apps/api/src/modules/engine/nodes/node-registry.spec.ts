import { NODE_TYPE_NAMES } from '@itinera/journey-model';
import { NODE_HANDLERS, nodeHandler } from './node-registry.js';

describe('node registry', () => {
  it('has exactly one handler per node type of the journey model, each of its own type', () => {
    expect(Object.keys(NODE_HANDLERS).sort()).toEqual([...NODE_TYPE_NAMES].sort());
    for (const type of NODE_TYPE_NAMES) expect(NODE_HANDLERS[type].type).toBe(type);
  });

  it('keeps the outputs of fetch, ai and webhook nodes only', () => {
    expect(NODE_TYPE_NAMES.filter((type) => NODE_HANDLERS[type].keepsOutput).sort()).toEqual(['ai', 'fetch', 'webhook']);
  });

  it('records the steps of nodes that act outside the run before it goes on, and only those', () => {
    expect(NODE_TYPE_NAMES.filter((type) => NODE_HANDLERS[type].sideEffect).sort()).toEqual([
      'ai',
      'fetch',
      'send',
      'update_profile',
      'webhook',
    ]);
  });

  it('knows no other type', () => {
    expect(nodeHandler('teleport' as never)).toBeUndefined();
    expect(nodeHandler('toString' as never)).toBeUndefined();
  });
});
