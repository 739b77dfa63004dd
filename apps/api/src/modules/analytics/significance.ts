/** The outcome of comparing a variant's conversion rate with the control's. */
export interface ProportionTest {
  /** The variant's rate minus the control's. */
  difference: number;
  z: number;
  /** Two-sided. */
  pValue: number;
  /** p < 0.05 with at least 30 entries on each side. */
  significant: boolean;
}

/** The method, as the analytics answer states it. */
export const SIGNIFICANCE_METHOD =
  'two-proportion z-test (pooled), two-sided, significant at p < 0.05 with at least 30 entries per variant';

/**
 * Two-proportion z-test: is the variant's conversion rate different from the control's? Null when
 * either side has no entries or nobody (or everybody) converted on both sides (no variance).
 */
export function twoProportionTest(
  variant: { entered: number; converted: number },
  control: { entered: number; converted: number },
): ProportionTest | null {
  if (variant.entered === 0 || control.entered === 0) return null;
  const p1 = variant.converted / variant.entered;
  const p2 = control.converted / control.entered;
  const pooled = (variant.converted + control.converted) / (variant.entered + control.entered);
  const variance = pooled * (1 - pooled) * (1 / variant.entered + 1 / control.entered);
  if (variance === 0) return null;
  const z = (p1 - p2) / Math.sqrt(variance);
  const pValue = 2 * (1 - normalCdf(Math.abs(z)));
  return { difference: p1 - p2, z, pValue, significant: pValue < 0.05 && variant.entered >= 30 && control.entered >= 30 };
}

/** The standard normal CDF (Abramowitz and Stegun 26.2.17, error below 7.5e-8). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + 0.2316419 * Math.abs(x));
  const density = Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI);
  const tail = density * t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return x >= 0 ? 1 - tail : tail;
}
