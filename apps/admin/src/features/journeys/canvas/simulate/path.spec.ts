import { pathHighlight } from './path';

describe('path highlight', () => {
  it('numbers the steps and marks the edges taken', () => {
    const highlight = pathHighlight('run', [
      { nodeId: 'start', port: 'next' },
      { nodeId: 'wait', port: 'timeout' },
      { nodeId: 'done', port: null },
    ]);
    expect(highlight.steps).toEqual({
      start: { order: 1, port: 'next', status: 'completed' },
      wait: { order: 2, port: 'timeout', status: 'completed' },
      done: { order: 3, port: null, status: 'completed' },
    });
    expect(highlight.edges).toEqual({ 'start:next': true, 'wait:timeout': true });
  });

  it('a step visited twice keeps its first number; a last step with a port has no edge', () => {
    const highlight = pathHighlight('simulation', [
      { nodeId: 'a', port: 'next' },
      { nodeId: 'b', port: 'next' },
      { nodeId: 'a', port: 'next' },
    ]);
    expect(highlight.steps.a.order).toBe(1);
    expect(highlight.edges).toEqual({ 'a:next': true, 'b:next': true });
  });
});
