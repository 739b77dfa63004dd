import { specExample } from '@itinera/journey-model/fixtures';
import { keysOf, outputFields, upstreamOf } from './seen-fields';

describe('fields for conditions and Liquid', () => {
  it('collects trait and property paths from samples, most frequent first', () => {
    expect(keysOf([{ plan: 'trial', company: { size: 5 } }, { plan: 'pro' }, 'not an object'], 'profile.traits')).toEqual([
      'profile.traits.plan',
      'profile.traits.company',
      'profile.traits.company.size',
    ]);
  });

  it('offers the outputs of the fetch and ai steps before a step', () => {
    const example = specExample();
    expect(upstreamOf(example, 'route').map((n) => n.id)).toEqual(['start', 'welcome', 'wait', 'health', 'risk']);
    expect(upstreamOf(example, 'route').flatMap(outputFields)).toEqual([
      'data.health.status',
      'data.health.body',
      'data.health.headers',
      'data.risk.label',
    ]);
    expect(upstreamOf(example, 'start')).toEqual([]);
  });
});
