import { specExample } from '@itinera/journey-model/fixtures';
import { toCanvas, toDefinition } from './mapping';
import { compactSample, madeUpSample, samplesFor } from './samples';
import { createEditorStore } from './store';

describe('sample outputs of fetch and ai steps', () => {
  it('keeps the shape and a few values of a large answer', () => {
    const answer = {
      status: 200,
      body: {
        accounts: Array.from({ length: 500 }, (_, i) => ({ id: i, note: 'x'.repeat(2000) })),
        nested: { a: { b: { c: { d: { e: { f: 1 } } } } } },
      },
    };
    const sample = compactSample(answer) as { body: { accounts: Array<{ id: number; note: string }>; nested: unknown } };
    expect(sample.body.accounts.map((a) => a.id)).toEqual([0, 1, 2]);
    expect(sample.body.accounts[0].note).toHaveLength(501);
    expect(sample.body.nested).toEqual({ a: { b: { c: { d: {} } } } });
    expect(JSON.stringify(sample).length).toBeLessThan(2_000);
    expect(compactSample(null)).toBeNull();
    expect(compactSample(42)).toBe(42);
  });

  it('keeps only the samples of steps that exist', () => {
    expect(samplesFor({ health: { status: 200 }, gone: 1 }, ['health', 'risk'])).toEqual({ health: { status: 200 } });
    expect(samplesFor('nonsense', ['health'])).toEqual({});
  });

  it('makes up an output from the step when none was run', () => {
    const example = specExample();
    expect(madeUpSample(example.nodes.find((n) => n.id === 'health')!)).toEqual({ status: 200, body: {} });
    expect(madeUpSample(example.nodes.find((n) => n.id === 'risk')!)).toEqual({ label: 'high' });
    expect(madeUpSample({ type: 'ai', config: { task: 'extract', schema: { properties: { city: {} } } } })).toEqual({ city: null });
  });

  it('travels with the draft in ui.samples, follows a renamed step and goes with a deleted one', () => {
    const store = createEditorStore();
    store.getState().load(specExample());
    const s = () => store.getState();
    s().setSample('health', { status: 200, body: { score: 42 } });
    expect(s().definition().ui?.samples).toEqual({ health: { status: 200, body: { score: 42 } } });
    const reloaded = toCanvas(s().definition());
    expect(reloaded.meta.samples).toEqual({ health: { status: 200, body: { score: 42 } } });

    s().renameStep('health', 'crm');
    expect(s().definition().ui?.samples).toEqual({ crm: { status: 200, body: { score: 42 } } });
    s().undo();
    expect(s().definition().ui?.samples).toEqual({ health: { status: 200, body: { score: 42 } } });

    const { meta, nodes, edges } = s();
    expect(
      toDefinition(
        meta,
        nodes.filter((n) => n.id !== 'health'),
        edges,
      ).ui?.samples,
    ).toBeUndefined();
    s().setSample('health', undefined);
    expect(s().definition().ui?.samples).toBeUndefined();
  });
});
