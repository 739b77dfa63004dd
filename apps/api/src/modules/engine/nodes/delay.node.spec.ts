import { nodeStep, sampleProfile } from '../../../testing/node-step.js';
import { delayNode } from './delay.node.js';

describe('delay node', () => {
  it('waits a number of seconds on a delay timer', async () => {
    const { step } = nodeStep({ id: 'd', type: 'delay', config: { seconds: 90 } });
    expect(await delayNode.run(step)).toEqual({
      kind: 'wait',
      until: new Date('2026-12-02T10:01:30Z'),
      timer: 'delay',
      output: { until: '2026-12-02T10:01:30.000Z' },
    });
  });

  it("waits until a local time of day in the profile's zone", async () => {
    const { step } = nodeStep(
      { id: 'd', type: 'delay', config: { until: { time: '09:00', timezone: 'profile' } } },
      { profile: sampleProfile({ timezone: 'Asia/Tokyo' }) },
    );
    const result = await delayNode.run(step);
    // 10:00 UTC is 19:00 in Tokyo: the next 09:00 there is 00:00 UTC the next day.
    expect(result).toMatchObject({ kind: 'wait', until: new Date('2026-12-03T00:00:00Z') });
  });

  it('waits until a profile date trait plus an offset', async () => {
    const { step } = nodeStep(
      { id: 'd', type: 'delay', config: { untilTrait: 'trial_ends_at', offsetSeconds: -86_400 } },
      { profile: sampleProfile({ traits: { trial_ends_at: '2026-12-10T12:00:00Z' } }) },
    );
    expect(await delayNode.run(step)).toMatchObject({ kind: 'wait', until: new Date('2026-12-09T12:00:00Z') });
  });

  it('moves on through next once its timer fired', async () => {
    const { step } = nodeStep({ id: 'd', type: 'delay', config: { seconds: 90 } }, { attempt: 'resumed' });
    expect(await delayNode.run(step)).toEqual({ kind: 'next', port: 'next' });
  });
});
