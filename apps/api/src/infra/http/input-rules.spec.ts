import fc from 'fast-check';
import { assertJsonStructure, findInputProblem, JsonStructureError, mayHoldUnstorableText, unstorableTextReason } from './input-rules.js';

const limits = { maxDepth: 4, maxArrayLength: 3 };
const bytes = (text: string) => Buffer.from(text);
const structureError = (text: string) => {
  try {
    assertJsonStructure(bytes(text), limits);
    return undefined;
  } catch (error) {
    return error as JsonStructureError;
  }
};

describe('unstorableTextReason', () => {
  it('names NULs and lone surrogates, accepts paired ones', () => {
    expect(unstorableTextReason('a\u0000b')).toMatch(/NUL/);
    expect(unstorableTextReason('a\ud800')).toMatch(/lone UTF-16 surrogate/);
    expect(unstorableTextReason('\udfffa')).toMatch(/lone/);
    expect(unstorableTextReason('\ud800\ud800\udc00')).toMatch(/lone/);
    expect(unstorableTextReason('emoji 😀 𝕴')).toBeUndefined();
    expect(unstorableTextReason('')).toBeUndefined();
  });

  it('property: agrees with String.prototype.isWellFormed and includes("\\0")', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (text) => {
        const wellFormed = (text as unknown as { isWellFormed(): boolean }).isWellFormed();
        expect(unstorableTextReason(text) === undefined).toBe(wellFormed && !text.includes('\u0000'));
      }),
      { seed: 12, numRuns: 500 },
    );
  });
});

describe('assertJsonStructure', () => {
  it('bounds depth and array lengths, ignoring brackets and commas inside strings', () => {
    expect(structureError('[[[[1]]]]')).toBeUndefined();
    expect(structureError('[[[[[1]]]]]')).toMatchObject({ type: 'entity.too.deep', status: 400 });
    expect(structureError('{"a":{"b":{"c":{"d":{}}}}}')?.type).toBe('entity.too.deep');
    expect(structureError('[1,2,3]')).toBeUndefined();
    expect(structureError('[1,2,3,4]')).toMatchObject({ type: 'entity.too.wide' });
    expect(structureError('[[1,2,3],[4,5,6],[]]')).toBeUndefined();
    expect(structureError('{"a":1,"b":2,"c":3,"d":4}')).toBeUndefined();
    expect(structureError('["[[[[[[", ",,,,,", "\\"[[[[[["]')).toBeUndefined();
    expect(structureError(' [ ] ')).toBeUndefined();
  });

  it('stops at the first excess: a 1 MB wide array costs a few kilobytes of scanning', () => {
    const wide = bytes(`[${new Array(500_000).fill('1').join(',')}]`);
    const started = process.cpuUsage();
    for (let i = 0; i < 20; i += 1)
      expect(() => assertJsonStructure(wide, { maxDepth: 64, maxArrayLength: 10_000 })).toThrow(JsonStructureError);
    const used = process.cpuUsage(started);
    expect((used.user + used.system) / 20).toBeLessThan(10_000);
  });

  it('property: agrees with the depth and widths of what JSON.parse makes of it', () => {
    const depthAndWidth = (value: unknown): [number, number] => {
      if (typeof value !== 'object' || value === null) return [0, 0];
      const children = Object.values(value).map(depthAndWidth);
      const width = Array.isArray(value) ? value.length : 0;
      return [1 + Math.max(0, ...children.map((c) => c[0])), Math.max(width, ...children.map((c) => c[1]))];
    };
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        const text = JSON.stringify(value);
        const [depth, width] = depthAndWidth(value);
        const error = structureError(text);
        expect(error === undefined).toBe(depth <= limits.maxDepth && width <= limits.maxArrayLength);
      }),
      { seed: 7, numRuns: 500 },
    );
  });
});

describe('findInputProblem', () => {
  it('names the first problem by its path, in keys and values', () => {
    expect(findInputProblem({ a: [{ b: 'ok' }, { b: 'x\u0000' }] }, limits)).toEqual({
      field: 'a.1.b',
      message: expect.stringMatching(/NUL/),
    });
    expect(findInputProblem({ a: { 'k\ud800': 1 } }, limits)).toEqual({
      field: 'a.k\\ud800',
      message: expect.stringMatching(/key that is not valid Unicode/),
    });
    expect(findInputProblem('\ud800', limits, 'userId')).toEqual({ field: 'userId', message: expect.stringMatching(/lone/) });
    expect(findInputProblem({ a: { b: { c: { d: {} } } } }, limits)).toMatchObject({
      field: 'a.b.c.d',
      message: 'is nested more than 4 levels deep',
    });
    expect(findInputProblem([1, 2, 3, 4], limits)).toMatchObject({ field: 'body', message: expect.stringMatching(/4 elements/) });
    expect(findInputProblem({ fine: ['a', null, { x: '😀' }] }, limits)).toBeUndefined();
  });

  it('walks without recursion: 100,000 levels are refused at the limit, not by a stack overflow', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i += 1) deep = { a: deep };
    expect(findInputProblem(deep, { maxDepth: 64, maxArrayLength: 10 })?.message).toBe('is nested more than 64 levels deep');
  });
});

describe('mayHoldUnstorableText', () => {
  it('property: never misses what findInputProblem finds in a serialised value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), fc.string({ unit: 'binary', maxLength: 6 }), (value, text) => {
        const wrapped = { value, text, [text]: 1 };
        if (findInputProblem(wrapped, { maxDepth: 10, maxArrayLength: 100 }) !== undefined)
          expect(mayHoldUnstorableText(JSON.stringify(wrapped))).toBe(true);
      }),
      { seed: 3, numRuns: 1000 },
    );
    expect(mayHoldUnstorableText(JSON.stringify({ a: 'plain 😀' }))).toBe(false);
  });
});
