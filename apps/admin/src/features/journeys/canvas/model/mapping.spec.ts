import type { JourneyDefinition } from '@itinera/journey-model';
import { specExample } from '@itinera/journey-model/fixtures';
import { canvasEdge, isNote, isStep, NOTE_PREFIX, stepNode, toCanvas, toDefinition } from './mapping';

describe('definition ↔ React Flow', () => {
  it('maps every node to a step and every edge to one leaving its port handle', () => {
    const { nodes, edges, unplaced } = toCanvas(specExample());
    expect(nodes.filter(isStep).map((n) => n.id)).toEqual([
      'start',
      'welcome',
      'wait',
      'health',
      'risk',
      'route',
      'nudge',
      'tomorrow9',
      'done',
    ]);
    expect(unplaced).toHaveLength(9);
    expect(edges.find((e) => e.source === 'wait' && e.sourceHandle === 'timeout')).toMatchObject({
      id: 'wait:timeout',
      target: 'health',
      targetHandle: 'in',
    });
    expect(edges.find((e) => e.source === 'start')).toMatchObject({ sourceHandle: 'next', data: { port: 'next' } });
  });

  it('round-trips the SPEC example: the same graph, positions and notes in ui', () => {
    const source = specExample();
    const canvas = toCanvas(source);
    canvas.nodes.forEach((node, index) => (node.position = { x: index * 10.4, y: index * 100 }));
    const back = toDefinition(canvas.meta, canvas.nodes, canvas.edges);
    const { ui, ...graph } = back;
    expect(graph).toEqual(source);
    expect(ui?.positions?.wait).toEqual({ x: 21, y: 200 });
    expect(ui?.notes).toBeUndefined();

    const again = toCanvas(back);
    expect(again.unplaced).toEqual([]);
    expect(toDefinition(again.meta, again.nodes, again.edges)).toEqual(back);
  });

  it('keeps notes, extra top-level keys, the canvas section’s own keys and reads an older layout', () => {
    const source: JourneyDefinition & Record<string, unknown> = {
      ...specExample(),
      'x-owner': 'growth',
      layout: { start: { x: 5, y: 6 } },
      ui: {
        positions: { welcome: { x: 1, y: 2 } },
        notes: [{ id: 'n1', x: 300, y: 40, width: 200, height: 90, text: 'Ask sales' }],
        viewport: { zoom: 1.5 },
      },
    };
    const canvas = toCanvas(source);
    expect(canvas.nodes.find((n) => n.id === 'start')!.position).toEqual({ x: 5, y: 6 });
    const note = canvas.nodes.find(isNote)!;
    expect(note).toMatchObject({
      id: `${NOTE_PREFIX}n1`,
      position: { x: 300, y: 40 },
      width: 200,
      height: 90,
      data: { text: 'Ask sales' },
    });
    const back = toDefinition(canvas.meta, canvas.nodes, canvas.edges) as JourneyDefinition & Record<string, unknown>;
    expect(back['x-owner']).toBe('growth');
    expect(back.layout).toBeUndefined();
    expect(back.ui).toEqual({
      viewport: { zoom: 1.5 },
      positions: expect.objectContaining({ start: { x: 5, y: 6 }, welcome: { x: 1, y: 2 } }),
      notes: [{ id: 'n1', x: 300, y: 40, width: 200, height: 90, text: 'Ask sales' }],
    });
  });

  it('writes edges of the next port without a port, and new steps and edges as the SPEC does', () => {
    const canvas = toCanvas({ name: 'Empty', nodes: [], edges: [] });
    const nodes = [
      stepNode({ id: 't', type: 'trigger', config: { event: 'signed_up' } }, { x: 0, y: 0 }),
      stepNode({ id: 'x', type: 'exit' }, { x: 0, y: 150 }),
    ];
    const edges = [canvasEdge('t', 'next', 'x')];
    expect(toDefinition(canvas.meta, nodes, edges)).toEqual({
      name: 'Empty',
      nodes: [
        { id: 't', type: 'trigger', config: { event: 'signed_up' } },
        { id: 'x', type: 'exit' },
      ],
      edges: [{ from: 't', to: 'x' }],
      ui: { positions: { t: { x: 0, y: 0 }, x: { x: 0, y: 150 } } },
    });
  });
});
