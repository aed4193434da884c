/**
 * Money in the explanations', alerts' and forecasts' words: minor units as major units with two
 * decimals and thousands grouped ("93,000.00"), the same on every machine (no locale), so stored
 * explanations stay identical after a rebuild. Currency-agnostic: a scope may sum several goals'.
 */
export function formatMoney(minor: number): string {
  const rounded = Math.round(minor);
  const cents = Math.abs(rounded);
  const major = Math.floor(cents / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${rounded < 0 ? '-' : ''}${major}.${String(cents % 100).padStart(2, '0')}`;
}
