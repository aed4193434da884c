import { formatMoney } from './money';

describe('formatMoney', () => {
  it.each([
    [0, '0.00'],
    [5, '0.05'],
    [99_999, '999.99'],
    [100_000, '1,000.00'],
    [9_300_000, '93,000.00'],
    [123_456_789_012, '1,234,567,890.12'],
    [-500_050, '-5,000.50'],
    [1_234.6, '12.35'],
  ])('writes %p minor units as %p', (minor, words) => {
    expect(formatMoney(minor)).toBe(words);
  });
});
