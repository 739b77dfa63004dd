import { specExample } from '@itinera/journey-model/fixtures';
import { createEditorStore } from './store';

describe('canvas editing state', () => {
  it('builds a journey step by step, validating every edit, with undo and redo', () => {
    const store = createEditorStore();
    store.getState().load({ name: 'Built', nodes: [], edges: [] });
    const s = () => store.getState();
    const start = s().addStep('trigger', { x: 0, y: 0 });
    expect(start).toBe('start');
    expect(s().problemsByNode.start?.map((p) => p.code)).toEqual(['invalid_config']);
    s().updateStep('start', { config: { event: 'signed_up' } });
    expect(s().problems).toEqual([]);
    const exit = s().addStep('exit', { x: 0, y: 200 });
    expect(s().problems.map((p) => p.code)).toEqual(['unreachable_node']);
    s().connect({ source: start, sourceHandle: 'next', target: exit, targetHandle: 'in' });
    expect(s().problems).toEqual([]);
    // Inserting on the edge puts the new step between the two.
    const wait = s().addStep('delay', { x: 0, y: 100 }, { insertOn: 'start:next' });
    expect(s().definition().edges).toEqual([
      { from: 'start', to: wait },
      { from: wait, to: 'exit' },
    ]);
    s().undo();
    expect(
      s()
        .definition()
        .nodes.map((n) => n.id),
    ).toEqual(['start', 'exit']);
    s().redo();
    expect(
      s()
        .definition()
        .nodes.map((n) => n.id),
    ).toEqual(['start', 'exit', 'delay']);
    expect(s().editVersion).toBeGreaterThan(5);
  });

  it('one edge per port: connecting a port again replaces its edge; renaming a step keeps its edges', () => {
    const store = createEditorStore();
    store.getState().load(specExample());
    const s = () => store.getState();
    s().connect({ source: 'wait', sourceHandle: 'matched', target: 'nudge', targetHandle: 'in' });
    expect(
      s()
        .definition()
        .edges.filter((e) => e.from === 'wait'),
    ).toEqual([
      { from: 'wait', port: 'timeout', to: 'health' },
      { from: 'wait', port: 'matched', to: 'nudge' },
    ]);
    expect(s().renameStep('health', 'bad id')).toMatch(/letters, digits/);
    expect(s().renameStep('health', 'risk')).toMatch(/already/);
    expect(s().renameStep('health', 'crm')).toBeNull();
    expect(s().definition().edges).toEqual(
      expect.arrayContaining([
        { from: 'wait', port: 'timeout', to: 'crm' },
        { from: 'crm', to: 'risk' },
      ]),
    );
  });

  it('removing a branch drops the edge from its port; deleting a step drops its edges', () => {
    const store = createEditorStore();
    store.getState().load(specExample());
    const s = () => store.getState();
    s().updateStep('route', { config: { branches: [{ port: 'vip', when: true }] } });
    expect(
      s()
        .definition()
        .edges.filter((e) => e.from === 'route'),
    ).toEqual([{ from: 'route', port: 'default', to: 'done' }]);
    s().selectStep('risk');
    s().deleteSelection();
    expect(
      s()
        .definition()
        .edges.some((e) => e.from === 'risk' || e.to === 'risk'),
    ).toBe(false);
    expect(s().problems.map((p) => p.code)).toEqual(expect.arrayContaining(['unreachable_node']));
  });

  it('copies and pastes a selection with fresh ids and its inner edges', () => {
    const store = createEditorStore();
    store.getState().load(specExample());
    const s = () => store.getState();
    store.setState({ nodes: s().nodes.map((n) => ({ ...n, selected: n.id === 'tomorrow9' || n.id === 'nudge' })) });
    s().copy();
    s().paste();
    const definition = s().definition();
    expect(definition.nodes.map((n) => n.id)).toEqual(expect.arrayContaining(['tomorrow9_2', 'nudge_2']));
    expect(definition.edges).toContainEqual({ from: 'tomorrow9_2', to: 'nudge_2' });
    s().undo();
    expect(s().definition().nodes).toHaveLength(9);
  });

  it('a drag is one undo step; read-only canvases accept selection only', () => {
    const store = createEditorStore();
    store.getState().load(specExample());
    const s = () => store.getState();
    s().onNodesChange([{ type: 'position', id: 'start', position: { x: 10, y: 0 }, dragging: true }]);
    s().onNodesChange([{ type: 'position', id: 'start', position: { x: 20, y: 0 }, dragging: true }]);
    s().onNodesChange([{ type: 'position', id: 'start', position: { x: 30, y: 0 }, dragging: false }]);
    expect(s().past).toHaveLength(1);
    expect(s().definition().ui?.positions?.start).toEqual({ x: 30, y: 0 });
    s().undo();
    expect(s().definition().ui?.positions?.start).toEqual({ x: 0, y: 0 });

    s().load(specExample(), { readOnly: true });
    s().onNodesChange([{ type: 'remove', id: 'start' }]);
    s().deleteSelection();
    s().addNote({ x: 0, y: 0 });
    expect(s().definition().nodes).toHaveLength(9);
    expect(s().definition().ui?.notes).toBeUndefined();
  });
});
