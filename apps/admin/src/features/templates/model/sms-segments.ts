/**
 * How many SMS segments a text takes, as carriers count them (3GPP TS 23.038 / 23.040).
 *
 * A text made only of the GSM 03.38 alphabet is sent in 7-bit septets: 160 in one message, 153
 * per segment once it is split (the rest of each segment is the concatenation header). The
 * extension characters (`€ [ ] { } ^ ~ | \` and form feed) take two septets each and are never
 * split across segments. Any other character (an emoji, “smart quotes”, most non-Latin
 * scripts) switches the whole text to UCS-2: 70 UTF-16 code units in one message, 67 per segment,
 * a surrogate pair kept together.
 */
export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsCount {
  encoding: SmsEncoding;
  /** Characters as a reader counts them (code points). */
  characters: number;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) the text takes. */
  units: number;
  segments: number;
  /** Units one segment holds at this length: 160/70 for a single message, 153/67 once split. */
  perSegment: number;
  /** Units left in the last segment before another one is needed. */
  remaining: number;
  /** The distinct characters that force UCS-2, in order of appearance. */
  nonGsmCharacters: string[];
}

const GSM_BASIC = new Set(
  Array.from(
    '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
  ),
);
const GSM_EXTENSION = new Set(Array.from('\f^{}\\[~]|€'));

const LIMITS: Record<SmsEncoding, { single: number; multi: number }> = {
  'GSM-7': { single: 160, multi: 153 },
  'UCS-2': { single: 70, multi: 67 },
};

/** Septets a character takes in GSM-7, or null when it is not in the GSM 03.38 alphabet. */
export function gsmSeptets(character: string): 1 | 2 | null {
  if (GSM_BASIC.has(character)) return 1;
  if (GSM_EXTENSION.has(character)) return 2;
  return null;
}

export function countSms(text: string): SmsCount {
  const characters = Array.from(text);
  const nonGsm = [...new Set(characters.filter((c) => gsmSeptets(c) === null))];
  const encoding: SmsEncoding = nonGsm.length > 0 ? 'UCS-2' : 'GSM-7';
  // Each character's size in the chosen encoding; a character is never split across segments.
  const sizes = characters.map((c) => (encoding === 'GSM-7' ? (gsmSeptets(c) as number) : c.length));
  const units = sizes.reduce((sum, size) => sum + size, 0);
  const { single, multi } = LIMITS[encoding];
  if (units <= single) {
    return {
      encoding,
      characters: characters.length,
      units,
      segments: units === 0 ? 0 : 1,
      perSegment: single,
      remaining: single - units,
      nonGsmCharacters: nonGsm,
    };
  }
  let segments = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > multi) {
      segments += 1;
      used = 0;
    }
    used += size;
  }
  return { encoding, characters: characters.length, units, segments, perSegment: multi, remaining: multi - used, nonGsmCharacters: nonGsm };
}
