import { specExample } from '@itinera/journey-model/fixtures';
import { diffJourneys } from './diff';

describe('version diff', () => {
  it('finds nothing between a version and itself, whatever the key order, positions and notes', () => {
    const live = specExample();
    const draft = specExample();
    draft.nodes[1] = { config: { ...draft.nodes[1].config }, type: 'send', id: 'welcome' } as (typeof draft.nodes)[number];
    draft.ui = { positions: { start: { x: 1, y: 2 } }, notes: [{ id: 'n', x: 0, y: 0, text: 'x' }] };
    expect(diffJourneys(live, draft)).toMatchObject({ nodes: {}, edgesAdded: [], edgesRemoved: [], settings: [], unchanged: true });
  });

  it('reports added, removed and changed nodes, edges and settings', () => {
    const live = specExample();
    const draft = specExample();
    draft.nodes = draft.nodes.filter((node) => node.id !== 'tomorrow9');
    draft.nodes.push({ id: 'slack', type: 'send', config: { template: 'check-in', channels: ['chat'] } });
    const wait = draft.nodes.find((node) => node.id === 'wait')!;
    wait.config = { event: 'feature_activated', timeoutSeconds: 86_400 };
    draft.edges = draft.edges.filter((edge) => edge.from !== 'tomorrow9' && edge.to !== 'tomorrow9');
    draft.edges.push({ from: 'route', port: 'at_risk', to: 'slack' }, { from: 'slack', to: 'nudge' });
    draft.exit = [];
    const diff = diffJourneys(live, draft);
    expect(diff.nodes).toEqual({ slack: 'added', wait: 'changed', tomorrow9: 'removed' });
    expect(diff.removedNodes.map((node) => node.id)).toEqual(['tomorrow9']);
    expect(diff.edgesAdded.sort()).toEqual(['route:at_risk→slack', 'slack:next→nudge']);
    expect(diff.edgesRemoved.sort()).toEqual(['route:at_risk→tomorrow9', 'tomorrow9:next→nudge']);
    expect(diff.settings).toEqual(['exit']);
    expect(diff.unchanged).toBe(false);
  });

  it('a node renamed on the canvas is changed; a first version adds everything', () => {
    const draft = specExample();
    draft.nodes[0] = { ...draft.nodes[0], name: 'Sign-up' };
    expect(diffJourneys(specExample(), draft).nodes).toEqual({ start: 'changed' });
    const first = diffJourneys(null, specExample());
    expect(Object.values(first.nodes).every((change) => change === 'added')).toBe(true);
    expect(first.settings).toEqual([]);
  });
});
