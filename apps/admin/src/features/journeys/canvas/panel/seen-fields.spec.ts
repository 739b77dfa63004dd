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
    expect(upstreamOf(example, 'route').flatMap((node) => outputFields(node))).toEqual([
      'data.health.status',
      'data.health.body',
      'data.health.headers',
      'data.risk.label',
    ]);
    expect(upstreamOf(example, 'start')).toEqual([]);
  });

  it("offers the fields of a step's sample output (from running it) before the ones its type promises", () => {
    const health = specExample().nodes.find((n) => n.id === 'health')!;
    expect(
      outputFields(health, { status: 200, headers: { 'content-type': 'application/json' }, body: { score: 42, owner: { name: 'Kim' } } }),
    ).toEqual([
      'data.health.body',
      'data.health.body.owner',
      'data.health.body.owner.name',
      'data.health.body.score',
      'data.health.headers',
      'data.health.headers.content-type',
      'data.health.status',
    ]);
  });
});
