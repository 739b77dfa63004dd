import fc from 'fast-check';
import { SplitWithoutVariantsError, splitPoint, splitVariant, stableHash32 } from './split.js';

/** The same hash written the obvious way, on Node's UTF-8 encoder. */
function referenceHash(input: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(input, 'utf8')) hash = Math.imul(hash ^ byte, 0x01000193);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

const AB = [
  { port: 'a', weight: 50 },
  { port: 'b', weight: 50 },
];

describe('stableHash32', () => {
  it('never changes: running experiments depend on it', () => {
    expect(stableHash32('')).toBe(2872998923);
    expect(stableHash32('a')).toBe(444641715);
    expect(stableHash32('journey-1\u0000user-1')).toBe(273402143);
    expect(stableHash32('é€😀')).toBe(4040569024);
  });

  it('hashes the UTF-8 bytes of any string', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => expect(stableHash32(s)).toBe(referenceHash(s))));
  });
});

describe('splitVariant', () => {
  it('is deterministic: the same profile and journey always get the same port', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (profileId, journeyId) => {
        const first = splitVariant(AB, profileId, journeyId);
        expect(['a', 'b']).toContain(first);
        expect(splitVariant(AB, profileId, journeyId)).toBe(first);
        expect(splitVariant(structuredClone(AB), profileId, journeyId)).toBe(first);
      }),
    );
  });

  it('distributes profiles close to the weights', () => {
    const variants = [
      { port: 'control', weight: 50 },
      { port: 'short', weight: 30 },
      { port: 'long', weight: 20 },
    ];
    const counts: Record<string, number> = { control: 0, short: 0, long: 0 };
    const n = 30_000;
    for (let i = 0; i < n; i++) counts[splitVariant(variants, `user-${i}`, 'onboarding')] += 1;
    expect(counts.control / n).toBeCloseTo(0.5, 1);
    expect(Math.abs(counts.control / n - 0.5)).toBeLessThan(0.015);
    expect(Math.abs(counts.short / n - 0.3)).toBeLessThan(0.015);
    expect(Math.abs(counts.long / n - 0.2)).toBeLessThan(0.015);
  });

  it('distributes close to any weights, for any journey', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 2, maxLength: 5 }),
        fc.string({ minLength: 1, maxLength: 20 }),
        (weights, journeyId) => {
          const variants = weights.map((weight, i) => ({ port: `v${i}`, weight }));
          const total = weights.reduce((a, b) => a + b, 0);
          const counts = new Map<string, number>();
          const n = 6000;
          for (let i = 0; i < n; i++) {
            const port = splitVariant(variants, `${i}`, journeyId);
            counts.set(port, (counts.get(port) ?? 0) + 1);
          }
          variants.forEach((v) => expect(Math.abs((counts.get(v.port) ?? 0) / n - v.weight / total)).toBeLessThan(0.035));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('spreads sequential ids uniformly over [0, 1)', () => {
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 20_000; i++) buckets[Math.floor(splitPoint(`u${i}`, 'j') * 10)] += 1;
    for (const count of buckets) expect(Math.abs(count - 2000)).toBeLessThan(200);
  });

  it('assigns independently per salt (two splits in one journey)', () => {
    let both = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      if (splitVariant(AB, `user-${i}`, 'j', 'split1') === 'a' && splitVariant(AB, `user-${i}`, 'j', 'split2') === 'a') both += 1;
    }
    expect(Math.abs(both / n - 0.25)).toBeLessThan(0.02);
  });

  it('moves only the profiles that cross a boundary when weights change', () => {
    let moved = 0;
    const n = 10_000;
    const after = [
      { port: 'a', weight: 60 },
      { port: 'b', weight: 40 },
    ];
    for (let i = 0; i < n; i++) {
      const before = splitVariant(AB, `user-${i}`, 'j');
      const now = splitVariant(after, `user-${i}`, 'j');
      if (before !== now) {
        expect([before, now]).toEqual(['b', 'a']);
        moved += 1;
      }
    }
    expect(Math.abs(moved / n - 0.1)).toBeLessThan(0.02);
  });

  it('skips variants without a positive weight and throws when none is left', () => {
    const variants = [
      { port: 'off', weight: 0 },
      { port: 'neg', weight: -5 },
      { port: 'nan', weight: Number.NaN },
      { port: 'on', weight: 1 },
    ];
    for (let i = 0; i < 100; i++) expect(splitVariant(variants, `u${i}`, 'j')).toBe('on');
    expect(() => splitVariant([{ port: 'off', weight: 0 }], 'u', 'j')).toThrow(SplitWithoutVariantsError);
    expect(() => splitVariant([], 'u', 'j')).toThrow(SplitWithoutVariantsError);
  });
});
