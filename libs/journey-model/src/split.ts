/**
 * 32-bit FNV-1a over the UTF-8 bytes of `input`, finalised with MurmurHash3's fmix32 (FNV-1a
 * alone leaves the high bits poorly mixed for inputs that differ in their last characters, such as
 * sequential user ids). Pure arithmetic: the same value in Node and every browser.
 */
export function stableHash32(input: string): number {
  let hash = 0x811c9dc5;
  const byte = (b: number) => {
    hash ^= b;
    hash = Math.imul(hash, 0x01000193);
  };
  for (const char of input) {
    const cp = char.codePointAt(0)!;
    if (cp < 0x80) byte(cp);
    else if (cp < 0x800) {
      byte(0xc0 | (cp >> 6));
      byte(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      byte(0xe0 | (cp >> 12));
      byte(0x80 | ((cp >> 6) & 0x3f));
      byte(0x80 | (cp & 0x3f));
    } else {
      byte(0xf0 | (cp >> 18));
      byte(0x80 | ((cp >> 12) & 0x3f));
      byte(0x80 | ((cp >> 6) & 0x3f));
      byte(0x80 | (cp & 0x3f));
    }
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** Where a profile falls in [0, 1) for a journey (and optional salt): stable for ever. */
export function splitPoint(profileId: string, journeyId: string, salt?: string): number {
  const key = salt === undefined ? `${journeyId}\u0000${profileId}` : `${journeyId}\u0000${salt}\u0000${profileId}`;
  return stableHash32(key) / 0x1_0000_0000;
}

/** Thrown by `splitVariant` for a split with no usable variant (validation rejects such journeys). */
export class SplitWithoutVariantsError extends Error {
  constructor() {
    super('The split has no variant with a positive weight');
    this.name = 'SplitWithoutVariantsError';
  }
}

/**
 * The variant of a split a profile takes: the profile's point in [0, 1) (`splitPoint`: a hash of
 * journey and profile) scaled by the total weight, against the variants' cumulative weights in
 * order. Deterministic and sticky: the same profile gets the same port every time for the same
 * variants, with no state. Changing weights moves only the profiles whose point crosses a
 * boundary; reordering variants reshuffles. Variants whose weight is not a positive number are
 * skipped; with none left it throws `SplitWithoutVariantsError` (a valid journey has at least two).
 *
 * Pass the split node's id as `salt` so that two splits in one journey are independent (without
 * it, a profile lands at the same point of both).
 */
export function splitVariant(
  variants: ReadonlyArray<{ port: string; weight: number }>,
  profileId: string,
  journeyId: string,
  salt?: string,
): string {
  const usable = (Array.isArray(variants) ? variants : []).filter(
    (v) => v && typeof v.port === 'string' && typeof v.weight === 'number' && Number.isFinite(v.weight) && v.weight > 0,
  );
  if (usable.length === 0) throw new SplitWithoutVariantsError();
  const total = usable.reduce((sum, v) => sum + v.weight, 0);
  const target = splitPoint(String(profileId), String(journeyId), salt) * total;
  let cumulative = 0;
  for (const variant of usable) {
    cumulative += variant.weight;
    if (target < cumulative) return variant.port;
  }
  return usable[usable.length - 1].port;
}
