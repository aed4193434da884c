/**
 * Numbers, money and dates in the reader's locale. Money arrives in minor units with an ISO 4217
 * currency (the budget's); how many minor digits a currency has comes from Intl, not from a table.
 */
const DASH = '—';

export function browserLocale(): string {
  return typeof navigator === 'undefined' ? 'en-GB' : navigator.language || 'en-GB';
}

export function minorDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

export function formatMoney(minor: number | null | undefined, currency: string, locale = browserLocale()): string {
  if (minor === null || minor === undefined) return DASH;
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(minor / 10 ** minorDigits(currency));
}

/** Money typed by a person (major units, the locale's or a plain decimal point) into minor units; NaN when unreadable. */
export function parseMoney(text: string, currency: string): number {
  const cleaned = text
    .replace(/[\s\u00a0']/g, '')
    .replace(/,(\d{1,2})$/, '.$1')
    .replace(/,/g, '');
  if (!/^-?\d+(\.\d+)?$/.test(cleaned)) return Number.NaN;
  return Math.round(Number(cleaned) * 10 ** minorDigits(currency));
}

export function formatScore(score: number | null | undefined, locale = browserLocale()): string {
  if (score === null || score === undefined) return DASH;
  return new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(score);
}

export function formatNumber(value: number | null | undefined, locale = browserLocale(), fractionDigits = 2): string {
  if (value === null || value === undefined) return DASH;
  return new Intl.NumberFormat(locale, { maximumFractionDigits: fractionDigits }).format(value);
}

/** A ratio (0.42) as a percentage; null (nothing to divide by) as a dash. */
export function formatRatio(ratio: number | null | undefined, locale = browserLocale()): string {
  if (ratio === null || ratio === undefined) return DASH;
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(ratio);
}

/** A calendar day (YYYY-MM-DD or a timestamp) as the locale writes it; days are UTC throughout the system. */
export function formatDate(value: string | null | undefined, locale = browserLocale()): string {
  if (!value) return DASH;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(value));
}

export function formatDateTime(value: string | null | undefined, locale = browserLocale()): string {
  if (!value) return DASH;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(value));
}

export function formatMinutes(minutes: number, locale = browserLocale()): string {
  return new Intl.NumberFormat(locale, { style: 'unit', unit: 'hour', maximumFractionDigits: 1 }).format(minutes / 60);
}

/** "1 defect", "3 defects": the count in the reader's locale with its noun. */
export function formatCount(count: number, singular: string, plural: string, locale = browserLocale()): string {
  const noun = new Intl.PluralRules(locale).select(count) === 'one' ? singular : plural;
  return `${new Intl.NumberFormat(locale).format(count)} ${noun}`;
}
