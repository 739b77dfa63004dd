import { specExample } from './fixtures/spec-example.js';
import { nextNode, nodeById, referencedResources, triggerOf } from './graph.js';

describe('graph helpers', () => {
  const journey = specExample();

  it('follows ports, with next as the default', () => {
    expect(nextNode(journey, 'start')).toBe('welcome');
    expect(nextNode(journey, 'start', 'next')).toBe('welcome');
    expect(nextNode(journey, 'wait', 'matched')).toBe('done');
    expect(nextNode(journey, 'wait', 'timeout')).toBe('health');
    expect(nextNode(journey, 'route', 'default')).toBe('done');
  });

  it('answers undefined for an unconnected port: the run ends', () => {
    expect(nextNode(journey, 'health', 'error')).toBeUndefined();
    expect(nextNode(journey, 'nudge', 'failed')).toBeUndefined();
    expect(nextNode(journey, 'done')).toBeUndefined();
    expect(nextNode(journey, 'ghost')).toBeUndefined();
  });

  it('finds the trigger and nodes by id', () => {
    expect(triggerOf(journey)).toMatchObject({ id: 'start', type: 'trigger' });
    expect(nodeById(journey, 'risk')).toMatchObject({ type: 'ai' });
    expect(nodeById(journey, 'ghost')).toBeUndefined();
    expect(triggerOf({ name: 'x', nodes: [], edges: [] })).toBeUndefined();
  });

  it('lists what the journey refers to, for the server to check', () => {
    expect(referencedResources(journey)).toEqual({
      templates: ['welcome', 'check-in'],
      topics: ['onboarding'],
      dataSources: ['http'],
      llms: ['openai'],
      events: ['signed_up', 'feature_activated', 'subscription_started'],
    });
  });

  it('tolerates malformed definitions', () => {
    const junk = { nodes: [null, 3, { type: 'send', config: 'x' }], edges: 'no', exit: [null] } as never;
    expect(referencedResources(junk)).toEqual({ templates: [], topics: [], dataSources: [], llms: [], events: [] });
    expect(nextNode(junk, 'a')).toBeUndefined();
    expect(triggerOf(null as never)).toBeUndefined();
  });
});
