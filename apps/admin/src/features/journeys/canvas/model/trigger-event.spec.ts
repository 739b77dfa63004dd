import { triggerEventName } from './trigger-event';

describe('the event a journey starts from', () => {
  it("is the trigger step's event", () => {
    expect(
      triggerEventName([
        { type: 'send', config: { template: 'welcome' } },
        { type: 'trigger', config: { event: 'signed_up' } },
      ]),
    ).toBe('signed_up');
  });

  it('is empty for a segment trigger or a journey without a trigger', () => {
    expect(triggerEventName([{ type: 'trigger', config: { segment: { '==': [1, 1] } } }])).toBe('');
    expect(triggerEventName([{ type: 'trigger' }])).toBe('');
    expect(triggerEventName([])).toBe('');
  });
});
