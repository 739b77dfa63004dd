import fc from 'fast-check';
import { checkCondition, evaluateCondition } from './conditions.js';

const context = {
  profile: { userId: 'u1', traits: { plan: 'pro', seats: 12, tags: ['beta', 'big'] } },
  event: { event: 'signed_up', properties: { plan: 'trial' } },
  data: { risk: { label: 'high' }, health: { status: 200, body: { score: 0.2 } } },
  run: { id: 'r1' },
};

describe('evaluateCondition', () => {
  it('evaluates JSON Logic over { profile, event, data, run }', () => {
    expect(evaluateCondition({ '==': [{ var: 'event.properties.plan' }, 'trial'] }, context)).toBe(true);
    expect(evaluateCondition({ '==': [{ var: 'data.risk.label' }, 'low'] }, context)).toBe(false);
    expect(
      evaluateCondition(
        { and: [{ '>=': [{ var: 'profile.traits.seats' }, 10] }, { in: ['beta', { var: 'profile.traits.tags' }] }] },
        context,
      ),
    ).toBe(true);
    expect(evaluateCondition({ '<': [{ var: 'data.health.body.score' }, 0.5] }, context)).toBe(true);
    expect(evaluateCondition({ some: [{ var: 'profile.traits.tags' }, { '==': [{ var: '' }, 'big'] }] }, context)).toBe(true);
    expect(evaluateCondition({ var: 'profile.traits.tags' }, context)).toBe(true);
  });

  it('treats a missing var as falsy and never throws', () => {
    expect(evaluateCondition({ var: 'profile.traits.missing' }, context)).toBe(false);
    expect(evaluateCondition({ '==': [{ var: 'data.nothing.here' }, 'x'] }, context)).toBe(false);
    expect(evaluateCondition({ '!': { var: 'data.nothing' } }, context)).toBe(true);
    expect(evaluateCondition({ in: ['a', { var: 'event.none' }] }, context)).toBe(false);
    expect(evaluateCondition({ var: 'profile.traits.plan' }, {})).toBe(false);
    expect(evaluateCondition({ var: 'x' }, undefined as never)).toBe(false);
  });

  it('is false for rules it cannot evaluate, and true for no rule', () => {
    expect(evaluateCondition({ no_such_op: [1] }, context)).toBe(false);
    expect(evaluateCondition({ 'toString.call': [] }, context)).toBe(false);
    expect(evaluateCondition('yes' as never, context)).toBe(false);
    expect(evaluateCondition(true, context)).toBe(true);
    expect(evaluateCondition(false, context)).toBe(false);
    expect(evaluateCondition(undefined, context)).toBe(true);
  });

  it('always returns a boolean, whatever the rule and the data', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.jsonValue({ maxDepth: 4 }), (logic, data) => {
        expect(typeof evaluateCondition(logic, { profile: data as never, event: data as never })).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });

  it('always returns a boolean for well-formed rules over random data', () => {
    const rule = fc.letrec((tie) => ({
      rule: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.record({ var: fc.constantFrom('profile.traits.a', 'event.properties.b', 'data.x.y', 'run.id', '') }),
        fc.record({ '==': fc.tuple(tie('value'), tie('value')) }),
        fc.record({ '<': fc.tuple(tie('value'), tie('value')) }),
        fc.record({ and: fc.array(tie('rule'), { minLength: 1, maxLength: 3 }) }),
        fc.record({ '!': tie('rule') }),
        fc.record({ in: fc.tuple(tie('value'), tie('value')) }),
        fc.record({ '+': fc.array(tie('value'), { minLength: 1, maxLength: 3 }) }),
        fc.record({ substr: fc.tuple(tie('value'), fc.integer()) }),
      ),
      value: fc.oneof(fc.jsonValue({ maxDepth: 1 }), tie('rule')),
    }));
    fc.assert(
      fc.property(rule.rule, fc.jsonValue({ maxDepth: 3 }), (logic, data) => {
        expect(typeof evaluateCondition(logic as never, { profile: { traits: data } as never, data: data as never })).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });
});

describe('checkCondition', () => {
  it('accepts well-formed rules and booleans', () => {
    expect(checkCondition(true)).toEqual([]);
    expect(checkCondition({ '==': [{ var: 'event.properties.plan' }, 'trial'] })).toEqual([]);
    expect(checkCondition({ if: [{ var: 'profile.traits.vip' }, 'a', 'b'] })).toEqual([]);
    expect(checkCondition({ '<': [1, { var: 'profile.traits.seats' }, 10] })).toEqual([]);
    expect(checkCondition({ var: ['profile.traits.plan', 'free'] })).toEqual([]);
    expect(checkCondition({ missing: ['profile.email', 'profile.phone'] })).toEqual([]);
    expect(checkCondition({ missing_some: [1, ['profile.email', 'profile.phone']] })).toEqual([]);
    expect(checkCondition({ reduce: [{ var: 'data.f.body.items' }, { '+': [{ var: 'current' }, { var: 'accumulator' }] }, 0] })).toEqual(
      [],
    );
    expect(checkCondition({ '!': { var: 'profile.traits.churned' } })).toEqual([]);
    expect(checkCondition({ var: '' })).toEqual([]);
  });

  it('reports what is wrong, with where', () => {
    expect(checkCondition('yes')).toEqual([{ path: '', message: expect.stringMatching(/JSON Logic rule/) }]);
    expect(checkCondition(null)).toHaveLength(1);
    expect(checkCondition({})).toEqual([{ path: '', message: expect.stringMatching(/empty object/) }]);
    expect(checkCondition({ '==': [1, 1], '!=': [1, 2] })).toEqual([{ path: '', message: expect.stringMatching(/exactly one operator/) }]);
    expect(checkCondition({ like: ['a', 'b'] })).toEqual([{ path: '/like', message: 'unknown JSON Logic operator "like"' }]);
    expect(checkCondition({ log: 'x' })).toEqual([{ path: '/log', message: 'unknown JSON Logic operator "log"' }]);
    expect(checkCondition({ and: [true, { '==': [1] }] })).toEqual([{ path: '/and/1/==', message: '"==" takes 2 arguments, got 1' }]);
    expect(checkCondition({ '!': [1, 2] })).toEqual([{ path: '/!', message: '"!" takes 1 argument, got 2' }]);
    expect(checkCondition({ '==': [{ var: 'traits.plan' }, 'pro'] })).toEqual([
      { path: '/==/0/var', message: expect.stringMatching(/not in the context/) },
    ]);
    expect(checkCondition({ var: { a: 1, b: 2 } })).toEqual([{ path: '/var', message: expect.stringMatching(/exactly one operator/) }]);
    expect(checkCondition({ missing: ['email'] })).toEqual([{ path: '/missing/0', message: expect.stringMatching(/not in the context/) }]);
    expect(checkCondition({ missing_some: [1, 'x'] })).toEqual([
      { path: '/missing_some/1', message: expect.stringMatching(/count, \[paths/) },
    ]);
    expect(checkCondition({ var: true })).toEqual([{ path: '/var', message: expect.stringMatching(/names a path/) }]);
  });

  it('does not check vars inside map, filter, reduce, all, none, some against the context', () => {
    expect(checkCondition({ all: [{ var: 'profile.traits.tags' }, { '!=': [{ var: '' }, 'x'] }] })).toEqual([]);
    expect(checkCondition({ filter: [{ var: 'data.f.body' }, { '>': [{ var: 'amount' }, 3] }] })).toEqual([]);
    expect(checkCondition({ filter: [{ var: 'amounts' }, true] })).toHaveLength(1);
  });

  it('restricts roots when asked (segment conditions see the profile only)', () => {
    expect(checkCondition({ var: 'event.name' }, { roots: ['profile'] })).toEqual([
      { path: '/var', message: expect.stringMatching(/"profile\."/) },
    ]);
  });

  it('bounds nesting', () => {
    let deep: unknown = true;
    for (let i = 0; i < 200; i++) deep = { '!': deep };
    expect(checkCondition(deep)).toEqual([expect.objectContaining({ message: expect.stringMatching(/nested more than 64/) })]);
  });

  it('never throws', () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 5 }), (value) => void checkCondition(value)),
      { numRuns: 500 },
    );
  });
});
