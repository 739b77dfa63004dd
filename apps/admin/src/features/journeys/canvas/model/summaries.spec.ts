import { type JourneyNode, NODE_TYPE_NAMES, NODE_TYPES } from '@itinera/journey-model';
import { specExample } from '@itinera/journey-model/fixtures';
import { describeCondition, portLabels, summarise } from './summaries';

const nodes = specExample().nodes;
const byId = (id: string) => nodes.find((node) => node.id === id)!;

describe('node summaries', () => {
  it('says what each node of the SPEC example does in plain words', () => {
    expect(summarise(byId('start'))).toBe('When signed_up happens, if plan is trial');
    expect(summarise(byId('welcome'))).toBe('Email + In-app · welcome · onboarding');
    expect(summarise(byId('wait'))).toBe('Wait up to 3 days for feature_activated');
    expect(summarise(byId('health'), { plugins: { http: 'HTTP' } })).toBe(
      'HTTP · GET crm.example/accounts/{{ profile.traits.account_id }}',
    );
    expect(summarise(byId('risk'), { plugins: { openai: 'OpenAI' } })).toBe('OpenAI · classify: high, low');
    expect(summarise(byId('route'))).toBe('at_risk if risk.label is high; else default');
    expect(summarise(byId('nudge'))).toBe('Email · check-in');
    expect(summarise(byId('tomorrow9'))).toBe("Wait until 09:00 (the profile's time)");
    expect(summarise(byId('done'))).toBe('End of the journey');
  });

  it('has a summary for every node type, from its example config and from an empty one', () => {
    for (const type of NODE_TYPE_NAMES) {
      const example = summarise({ id: 'n', type, config: NODE_TYPES[type].example } as JourneyNode);
      const empty = summarise({ id: 'n', type, config: {} } as JourneyNode);
      expect({ type, example: example.length > 0, empty: empty.length > 0 }).toEqual({ type, example: true, empty: true });
    }
    expect(
      summarise({ id: 'd', type: 'delay', config: { until: { time: '09:00', timezone: 'Europe/Paris', days: ['mon', 'fri'] } } }),
    ).toBe('Wait until 09:00 (Europe/Paris) on Mon, Fri');
    expect(summarise({ id: 'd', type: 'delay', config: { untilTrait: 'trial_ends_at', offsetSeconds: -86_400 } })).toBe(
      'Wait until the date in trial_ends_at, 1 day before',
    );
    expect(
      summarise({
        id: 's',
        type: 'split',
        config: {
          variants: [
            { port: 'a', weight: 1 },
            { port: 'b', weight: 3 },
          ],
        },
      }),
    ).toBe('a 25% · b 75%');
    expect(summarise({ id: 't', type: 'trigger', config: { api: true } })).toBe('When started through the API');
    expect(summarise({ id: 'u', type: 'update_profile', config: { set: { stage: 'nudged', nudged: true } } })).toBe('Set stage, nudged');
  });

  it('describes simple conditions and names the rest', () => {
    expect(
      describeCondition({ and: [{ '>': [{ var: 'profile.traits.seats' }, 5] }, { '!=': [{ var: 'event.properties.plan' }, null] }] }),
    ).toBe('seats is more than 5 and plan is set');
    expect(describeCondition({ in: [{ var: 'profile.traits.country' }, ['DE', 'FR']] })).toBe('country is one of DE, FR');
    expect(describeCondition({ in: ['@acme', { var: 'profile.email' }] })).toBe('profile.email contains @acme');
    expect(describeCondition({ '<=': [1, { var: 'data.health.body.score' }, 10] })).toBe('health.body.score is between 1 and 10');
    expect(describeCondition(true)).toBe('always');
    expect(describeCondition({ map: [] })).toBe('a condition');
  });

  it('labels ports: catalogue labels, branch names, split variants with their share', () => {
    expect(portLabels(byId('wait'))).toEqual([
      { port: 'matched', label: 'Matched' },
      { port: 'timeout', label: 'Timed out' },
    ]);
    expect(portLabels(byId('route'))).toEqual([
      { port: 'at_risk', label: 'at_risk' },
      { port: 'default', label: 'Default' },
    ]);
    expect(
      portLabels({
        id: 's',
        type: 'split',
        config: {
          variants: [
            { port: 'a', weight: 50 },
            { port: 'b', weight: 50 },
          ],
        },
      }),
    ).toEqual([
      { port: 'a', label: 'a · 50%' },
      { port: 'b', label: 'b · 50%' },
    ]);
  });
});
