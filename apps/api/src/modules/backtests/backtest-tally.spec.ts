import type { SimulatedStep, SimulationResult } from '../engine/simulation/journey-simulator.js';
import { BacktestTally, cutAtGoal, runEnd } from './backtest-tally.js';

const step = (nodeId: string, at: string, port: string | null, extra: Partial<SimulatedStep> = {}): SimulatedStep => ({
  nodeId,
  type: 'x',
  visit: 1,
  at,
  input: { config: {} },
  output: null,
  port,
  dueAt: null,
  message: null,
  ...extra,
});

const run: SimulationResult = {
  outcome: { status: 'completed', reason: 'reached exit node done' },
  steps: [
    step('start', '2026-11-01T10:00:00Z', 'next'),
    step('welcome', '2026-11-01T10:00:00Z', 'next', {
      message: {
        decision: [
          { channel: 'email', status: 'deferred', reason: 'quiet hours in Europe/Berlin', deferredUntil: '2026-11-01T07:00:00Z' },
          { channel: 'sms', status: 'would_send' },
        ],
        rendered: [],
      },
    }),
    step('wait', '2026-11-01T10:00:00Z', 'timeout', { dueAt: '2026-11-04T10:00:00Z' }),
    step('nudge', '2026-11-04T10:00:00Z', 'next'),
    step('done', '2026-11-04T10:00:00Z', null),
  ],
};

describe('back-test tally', () => {
  it('counts runs, node ports, message decisions and the rules that applied', () => {
    const tally = new BacktestTally();
    tally.read();
    tally.add(run, new Date('2026-11-01T10:00:00Z'), null, { welcome: 'welcome' });
    tally.read();
    tally.add(
      { outcome: { status: 'entry_rejected', reason: 'filter' }, steps: [step('start', '2026-11-01T11:00:00Z', null)] },
      new Date(),
      null,
      {},
    );
    tally.read();
    tally.keptOutByReentry();
    const report = tally.report();
    expect(report).toMatchObject({
      eventsRead: 3,
      entered: 1,
      rejectedByFilter: 1,
      keptOutByReentry: 1,
      outcomes: { completed: 1 },
      converted: 0,
    });
    expect(report.nodes.wait).toEqual({ entered: 1, ports: { timeout: 1 } });
    expect(report.messages).toEqual([
      { nodeId: 'welcome', template: 'welcome', channel: 'email', decisions: { deferred: 1 } },
      { nodeId: 'welcome', template: 'welcome', channel: 'sms', decisions: { would_send: 1 } },
    ]);
    expect(report.rules).toEqual({ 'quiet hours in Europe/Berlin': 1 });
  });

  it('cuts a run at its goal: what begins after the goal did not happen; conversion and time to goal counted', () => {
    const goal = { event: 'paid', at: new Date('2026-11-02T10:00:00Z') };
    const cut = cutAtGoal(run, goal);
    expect(cut.outcome).toEqual({ status: 'exited', reason: 'goal event paid' });
    expect(cut.steps.map((s) => [s.nodeId, s.port])).toEqual([
      ['start', 'next'],
      ['welcome', 'next'],
      ['wait', null],
    ]);
    const tally = new BacktestTally();
    tally.add(cut, new Date('2026-11-01T10:00:00Z'), goal, {});
    expect(tally.report()).toMatchObject({ converted: 1, conversionRate: 1, avgSecondsToGoal: 86_400, outcomes: { exited: 1 } });
  });

  it('ends a run at its last step or the time its last wait would go on', () => {
    expect(runEnd(run)).toEqual(new Date('2026-11-04T10:00:00Z'));
    expect(runEnd({ ...run, steps: run.steps.slice(0, 3) })).toEqual(new Date('2026-11-04T10:00:00Z'));
    expect(runEnd({ ...run, steps: [] })).toBeNull();
  });
});
