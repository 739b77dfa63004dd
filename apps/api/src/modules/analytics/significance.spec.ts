import { normalCdf, twoProportionTest } from './significance.js';

describe('two-proportion z-test', () => {
  it('matches known values of the normal CDF', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.96)).toBeCloseTo(0.975, 4);
    expect(normalCdf(-1.645)).toBeCloseTo(0.05, 3);
  });

  it('finds a real difference significant and a small one not', () => {
    // 120/1000 vs 80/1000: z ≈ 2.98, p ≈ 0.003.
    const clear = twoProportionTest({ entered: 1000, converted: 120 }, { entered: 1000, converted: 80 })!;
    expect(clear.z).toBeCloseTo(2.98, 1);
    expect(clear.pValue).toBeCloseTo(0.0029, 3);
    expect(clear.significant).toBe(true);
    const close = twoProportionTest({ entered: 1000, converted: 102 }, { entered: 1000, converted: 100 })!;
    expect(close.significant).toBe(false);
    expect(close.difference).toBeCloseTo(0.002, 6);
  });

  it('calls nothing significant on tiny samples or without variance', () => {
    expect(twoProportionTest({ entered: 10, converted: 9 }, { entered: 10, converted: 1 })!.significant).toBe(false);
    expect(twoProportionTest({ entered: 0, converted: 0 }, { entered: 10, converted: 1 })).toBeNull();
    expect(twoProportionTest({ entered: 50, converted: 0 }, { entered: 50, converted: 0 })).toBeNull();
  });
});
