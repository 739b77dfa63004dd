import { analyticsOverlay, compactCount, percent } from './analytics-overlay';

describe('analytics on the canvas', () => {
  it('puts counts on steps and the share of each port on its edge', () => {
    const overlay = analyticsOverlay({
      entered: 100,
      conversionRate: 0.25,
      nodes: [
        {
          nodeId: 'start',
          type: 'trigger',
          entered: 100,
          completed: 100,
          failed: 0,
          stopped: 0,
          waitingNow: 0,
          ports: [{ port: 'next', count: 100, share: 1 }],
        },
        {
          nodeId: 'wait',
          type: 'wait_for_event',
          entered: 100,
          completed: 80,
          failed: 0,
          stopped: 5,
          waitingNow: 15,
          ports: [
            { port: 'matched', count: 60, share: 0.75 },
            { port: 'timeout', count: 20, share: 0.25 },
          ],
        },
      ],
    });
    expect(overlay.steps.wait).toEqual({ entered: 100, completed: 80, failed: 0, waitingNow: 15 });
    expect(overlay.edges['wait:timeout']).toEqual({ count: 20, share: 0.25 });
    expect(overlay.edges['start:next'].share).toBe(1);
    expect(overlay.conversionRate).toBe(0.25);
  });

  it('writes shares and counts short', () => {
    expect([percent(0), percent(0.004), percent(0.256), percent(1)]).toEqual(['0%', '<1%', '26%', '100%']);
    expect([compactCount(999), compactCount(1234), compactCount(12_345), compactCount(2_500_000)]).toEqual(['999', '1.2k', '12k', '2.5M']);
  });
});
