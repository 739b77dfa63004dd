import { type Condition, checkCondition, evaluateCondition } from '@itinera/journey-model';
import type { RuleGroupType } from 'react-querybuilder';
import { specExample } from '@itinera/journey-model/fixtures';
import { CONDITION_OPERATORS, isVisuallyEditable, toCondition, toQuery } from './conditions';

const valueFor = (operator: string) =>
  ['in', 'notIn'].includes(operator)
    ? 'DE,FR'
    : ['between', 'notBetween'].includes(operator)
      ? '1,10'
      : ['null', 'notNull'].includes(operator)
        ? null
        : 'DE';

describe('condition builder ↔ JSON Logic', () => {
  it.each(CONDITION_OPERATORS.map((o) => o.name))(
    'round-trips "%s" through JSON Logic the journey model accepts and evaluates',
    (operator) => {
      const query: RuleGroupType = { combinator: 'and', rules: [{ field: 'profile.traits.country', operator, value: valueFor(operator) }] };
      const logic = toCondition(query)!;
      expect(checkCondition(logic)).toEqual([]);
      const back = toQuery(logic);
      expect(back.rules).toEqual([expect.objectContaining({ field: 'profile.traits.country', operator, value: valueFor(operator) })]);
      expect(toCondition(back)).toEqual(logic);
      expect(typeof evaluateCondition(logic, { profile: { traits: { country: 'DE' } } })).toBe('boolean');
    },
  );

  it('evaluates what the user means', () => {
    const rule = (operator: string, value: unknown) =>
      toCondition({ combinator: 'and', rules: [{ field: 'profile.traits.seats', operator, value }] })!;
    const profile = { traits: { seats: 7, plan: 'trial', name: 'Ada Lovelace' } };
    expect(evaluateCondition(rule('>', '5'), { profile })).toBe(true);
    expect(evaluateCondition(rule('between', '1,10'), { profile })).toBe(true);
    expect(evaluateCondition(rule('notBetween', '1,10'), { profile })).toBe(false);
    expect(evaluateCondition(rule('in', '3,7'), { profile })).toBe(true);
    expect(evaluateCondition(rule('null', null), { profile })).toBe(false);
    const name = toCondition({ combinator: 'and', rules: [{ field: 'profile.traits.name', operator: 'contains', value: 'Love' }] })!;
    expect(evaluateCondition(name, { profile })).toBe(true);
  });

  it('keeps the SPEC example conditions exactly as they are written', () => {
    const example = specExample();
    const filter = (example.nodes[0].config as { filter: Condition }).filter;
    const when = (example.nodes.find((n) => n.id === 'route')!.config as { branches: Array<{ when: Condition }> }).branches[0].when;
    for (const condition of [filter, when]) {
      expect(isVisuallyEditable(condition)).toBe(true);
      expect(toCondition(toQuery(condition))).toEqual(condition);
    }
  });

  it('groups: and/or, nested, negated; an empty builder is no condition', () => {
    const nested: RuleGroupType = {
      combinator: 'or',
      rules: [
        { field: 'event.properties.plan', operator: '=', value: 'trial' },
        {
          combinator: 'and',
          rules: [
            { field: 'profile.traits.seats', operator: '>=', value: '10' },
            { field: 'data.risk.label', operator: '!=', value: 'high' },
          ],
        },
      ],
    };
    const logic = toCondition(nested)!;
    expect(logic).toEqual({
      or: [
        { '==': [{ var: 'event.properties.plan' }, 'trial'] },
        { and: [{ '>=': [{ var: 'profile.traits.seats' }, 10] }, { '!=': [{ var: 'data.risk.label' }, 'high'] }] },
      ],
    });
    expect(toCondition(toQuery(logic))).toEqual(logic);
    expect(toCondition({ combinator: 'and', rules: [] })).toBeUndefined();
    expect(toQuery(undefined).rules).toEqual([]);
    expect(toQuery(true).rules).toEqual([]);
  });

  it('sends conditions it cannot show to the JSON editor', () => {
    expect(isVisuallyEditable({ '==': [{ '+': [{ var: 'profile.traits.seats' }, 1] }, 3] })).toBe(false);
    expect(isVisuallyEditable({ missing: ['profile.email'] })).toBe(false);
    expect(isVisuallyEditable({ '==': [{ var: 'event.properties.plan' }, 'trial'] })).toBe(true);
  });
});
