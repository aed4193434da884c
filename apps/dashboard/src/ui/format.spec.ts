import { formatCount, formatDate, formatMoney, formatRatio, formatScore, minorDigits, parseMoney } from './format';

describe('formatting for the reader', () => {
  it('writes a count with its noun in the singular for one', () => {
    expect(formatCount(1, 'defect', 'defects', 'en-GB')).toBe('1 defect');
    expect(formatCount(0, 'defect', 'defects', 'en-GB')).toBe('0 defects');
    expect(formatCount(1200, 'rework', 'reworks', 'en-GB')).toBe('1,200 reworks');
  });

  it('writes money in the budget currency and the reader locale, from minor units', () => {
    expect(formatMoney(12_345_678, 'EUR', 'de-DE')).toBe('123.456,78\u00a0€');
    expect(formatMoney(12_345_678, 'USD', 'en-US')).toBe('$123,456.78');
    // Yen has no minor unit: the amount is already whole yen.
    expect(formatMoney(5000, 'JPY', 'ja-JP')).toBe('￥5,000');
    expect(formatMoney(null, 'EUR', 'en-GB')).toBe('—');
  });

  it('knows each currency minor digits from Intl', () => {
    expect(minorDigits('EUR')).toBe(2);
    expect(minorDigits('JPY')).toBe(0);
    expect(minorDigits('BHD')).toBe(3);
  });

  it('reads typed money back into minor units, or NaN', () => {
    expect(parseMoney('1,250.50', 'EUR')).toBe(125_050);
    expect(parseMoney('1250,5', 'EUR')).toBe(125_050);
    expect(parseMoney('300', 'JPY')).toBe(300);
    expect(parseMoney('twelve', 'EUR')).toBeNaN();
  });

  it('writes scores, ratios and days for the locale, a dash for nothing', () => {
    expect(formatScore(63.44, 'de-DE')).toBe('63,4');
    expect(formatRatio(0.425, 'en-GB')).toBe('42.5%');
    expect(formatRatio(null, 'en-GB')).toBe('—');
    expect(formatDate('2026-03-01', 'en-GB')).toBe('1 Mar 2026');
    expect(formatDate('2026-03-01', 'de-DE')).toBe('01.03.2026');
  });
});
