import { countSms, gsmSeptets } from './sms-segments';

describe('SMS segment counting', () => {
  it('counts an empty text as no segment', () => {
    expect(countSms('')).toMatchObject({ encoding: 'GSM-7', characters: 0, units: 0, segments: 0, remaining: 160 });
  });

  it('fits 160 GSM-7 characters in one message and splits at 161 into 153-septet segments', () => {
    expect(countSms('a'.repeat(160))).toMatchObject({ encoding: 'GSM-7', segments: 1, perSegment: 160, remaining: 0 });
    expect(countSms('a'.repeat(161))).toMatchObject({ encoding: 'GSM-7', segments: 2, perSegment: 153, remaining: 145 });
    expect(countSms('a'.repeat(306))).toMatchObject({ segments: 2, remaining: 0 });
    expect(countSms('a'.repeat(307))).toMatchObject({ segments: 3 });
  });

  it('counts the extension characters as two septets and never splits one across segments', () => {
    expect(gsmSeptets('€')).toBe(2);
    expect(gsmSeptets('[')).toBe(2);
    expect(gsmSeptets('é')).toBe(1);
    expect(countSms('€'.repeat(80))).toMatchObject({ encoding: 'GSM-7', characters: 80, units: 160, segments: 1 });
    // 152 septets, then a two-septet € that does not fit the 153rd place: it opens the second segment.
    const text = `${'a'.repeat(152)}€${'a'.repeat(10)}`;
    expect(countSms(text)).toMatchObject({ units: 164, segments: 2, remaining: 153 - 12 });
  });

  it('switches to UCS-2 for a character outside the GSM alphabet and names it', () => {
    const result = countSms('Your “trial” ends tomorrow');
    expect(result).toMatchObject({ encoding: 'UCS-2', perSegment: 70, segments: 1, nonGsmCharacters: ['“', '”'] });
    expect(countSms('ж'.repeat(70))).toMatchObject({ encoding: 'UCS-2', segments: 1, remaining: 0 });
    expect(countSms('ж'.repeat(71))).toMatchObject({ encoding: 'UCS-2', segments: 2, perSegment: 67 });
  });

  it('counts an emoji as two UTF-16 units but one character, and keeps its pair in one segment', () => {
    expect(countSms('🎉')).toMatchObject({ encoding: 'UCS-2', characters: 1, units: 2 });
    // 66 units then an emoji (2 units) does not fit the 67-unit segment: it starts the next one.
    const text = `${'ж'.repeat(66)}🎉${'ж'.repeat(10)}`;
    expect(countSms(text)).toMatchObject({ units: 78, segments: 2, remaining: 67 - 12 });
  });
});
