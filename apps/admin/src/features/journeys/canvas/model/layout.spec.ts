import { specExample } from '@itinera/journey-model/fixtures';
import { layoutSteps, STEP_SIZE } from './layout';
import { toCanvas } from './mapping';

describe('auto-layout', () => {
  it('lays the SPEC example out top to bottom: every edge goes down, no two steps overlap', async () => {
    const { nodes, edges } = toCanvas(specExample());
    const positions = await layoutSteps(nodes, edges);
    expect(Object.keys(positions).sort()).toEqual(nodes.map((n) => n.id).sort());
    for (const edge of edges) {
      // `done` is joined from several rows above; every edge still points downwards.
      expect({ edge: edge.id, down: positions[edge.target].y > positions[edge.source].y }).toEqual({ edge: edge.id, down: true });
    }
    const boxes = Object.values(positions);
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const apart = Math.abs(boxes[i].x - boxes[j].x) >= STEP_SIZE.width || Math.abs(boxes[i].y - boxes[j].y) >= STEP_SIZE.height;
        expect(apart).toBe(true);
      }
    }
  });

  it('puts the ports of a branch in order: the first branch left of default', async () => {
    const { nodes, edges } = toCanvas({
      name: 'fan',
      nodes: [
        { id: 't', type: 'trigger', config: { event: 'e' } },
        {
          id: 'b',
          type: 'branch',
          config: {
            branches: [
              { port: 'first', when: true },
              { port: 'second', when: true },
            ],
          },
        },
        { id: 'one', type: 'exit' },
        { id: 'two', type: 'exit' },
        { id: 'other', type: 'exit' },
      ],
      edges: [
        { from: 't', to: 'b' },
        { from: 'b', port: 'default', to: 'other' },
        { from: 'b', port: 'second', to: 'two' },
        { from: 'b', port: 'first', to: 'one' },
      ],
    });
    const positions = await layoutSteps(nodes, edges);
    expect(positions.one.x).toBeLessThan(positions.two.x);
    expect(positions.two.x).toBeLessThan(positions.other.x);
  });
});
