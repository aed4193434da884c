import { FieldProblem } from '@throughline/service-kit/domain';

/** The fields of one measurement as pushed (a JSON body, an NDJSON line or a CSV row). */
export const MEASUREMENT_FIELDS = ['keyResultId', 'value', 'measuredAt', 'source'] as const;

/** Beyond this a double no longer holds every integer exactly: such a value is a unit or export mistake. */
export const MAX_MEASUREMENT_MAGNITUDE = 1e15;
export const MAX_SOURCE_LENGTH = 200;
/** Clocks of other systems run a little ahead: measured "now" on their side must not be refused here. */
export const CLOCK_SKEW_MS = 5 * 60_000;
/** Rows of a bulk upload checked and written per statement: enough to amortise a round trip, few enough to stream. */
export const MEASUREMENT_CHUNK_ROWS = 1000;

export interface Measurement {
  keyResultId: string;
  value: number;
  measuredAt: Date;
  /** The UTC day of measuredAt: what a check-in carries and metrics orders by. */
  measuredOn: string;
  source: string;
}

/** What the row's key result is, as far as a measurement is concerned. */
export interface MeasuredKeyResult {
  goalId: string;
  goalStatus: string;
  /** The goal's first day, YYYY-MM-DD. */
  periodStart: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problems: FieldProblem[] };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A CSV cell read as a number: plain decimal notation only ("47.5", "-3", "1e3"); anything
 * else ("1,5", "Infinity", "") stays text, which the row check then refuses by name.
 */
export function csvNumber(text: string): number | string {
  const trimmed = text.trim();
  return DECIMAL.test(trimmed) ? Number(trimmed) : text;
}

/**
 * A date-time with its offset (2026-03-01T17:00:00Z, …+01:00) or a day (2026-03-01, its
 * midnight UTC); a local time without offset is ambiguous between systems and refused.
 */
export function parseMeasuredAt(text: string): Date | undefined {
  const day = DAY.exec(text);
  const dateTime = day ? undefined : DATE_TIME.exec(text);
  const parts = day ?? dateTime;
  if (!parts) return undefined;
  const [, year, month, date] = parts.map(Number);
  const calendar = new Date(Date.UTC(year, month - 1, date));
  // Date.UTC rolls 2026-02-30 over into March: a day that does not exist is refused.
  if (calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== date) return undefined;
  if (dateTime && (Number(dateTime[4]) > 23 || Number(dateTime[5]) > 59 || Number(dateTime[6] ?? 0) > 59))
    return undefined;
  const parsed = day ? calendar : new Date(text);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed;
}

/** One pushed measurement's own fields, each problem named by its field; nothing is looked up here. */
export function checkMeasurement(fields: Record<string, unknown>, now: Date): Checked<Measurement> {
  const problems: FieldProblem[] = [];
  const unknown = Object.keys(fields).filter((name) => !(MEASUREMENT_FIELDS as readonly string[]).includes(name));
  for (const name of unknown)
    problems.push({ field: name, message: `is not a field of a measurement (${MEASUREMENT_FIELDS.join(', ')})` });
  const { keyResultId, value, measuredAt, source } = fields;
  if (typeof keyResultId !== 'string' || !UUID.test(keyResultId))
    problems.push({ field: 'keyResultId', message: 'must be the id (uuid) of a key result' });
  if (typeof value !== 'number' || !Number.isFinite(value))
    problems.push({ field: 'value', message: `${describe(value)} is not a number` });
  else if (Math.abs(value) > MAX_MEASUREMENT_MAGNITUDE)
    problems.push({ field: 'value', message: `${value} is out of range (at most ±${MAX_MEASUREMENT_MAGNITUDE})` });
  const at = typeof measuredAt === 'string' ? parseMeasuredAt(measuredAt.trim()) : undefined;
  if (!at)
    problems.push({
      field: 'measuredAt',
      message: `${describe(measuredAt)} is not a date-time with offset (2026-03-01T17:00:00Z) or a day (2026-03-01)`,
    });
  else if (at.getTime() > now.getTime() + CLOCK_SKEW_MS)
    problems.push({ field: 'measuredAt', message: `${at.toISOString()} is in the future` });
  const trimmedSource = typeof source === 'string' ? source.trim() : '';
  if (!trimmedSource || trimmedSource.length > MAX_SOURCE_LENGTH)
    problems.push({
      field: 'source',
      message: `must name the system the value comes from (1 to ${MAX_SOURCE_LENGTH} characters)`,
    });
  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    value: {
      keyResultId: (keyResultId as string).toLowerCase(),
      value: value as number,
      measuredAt: at!,
      measuredOn: at!.toISOString().slice(0, 10),
      source: trimmedSource,
    },
  };
}

/**
 * A measurement counts for a key result of an active goal, measured since the goal began; an
 * unknown key result (another organisation's, a removed one) is named as unknown.
 */
export function checkAgainstKeyResult(
  measurement: Measurement,
  keyResult: MeasuredKeyResult | undefined,
): FieldProblem[] {
  if (!keyResult)
    return [{ field: 'keyResultId', message: `no key result ${measurement.keyResultId} in your organisation` }];
  if (keyResult.goalStatus !== 'active')
    return [
      {
        field: 'keyResultId',
        message: `its goal ${keyResult.goalId} is ${keyResult.goalStatus}: measurements are taken only while it is active`,
      },
    ];
  if (measurement.measuredOn < keyResult.periodStart)
    return [
      {
        field: 'measuredAt',
        message: `${measurement.measuredAt.toISOString()} is before its goal began (${keyResult.periodStart})`,
      },
    ];
  return [];
}

/** Random bytes after a measurement id's 48-bit time (its version and variant overwrite 6 of their bits). */
export const MEASUREMENT_ID_RANDOM_BYTES = 10;

/**
 * A UUIDv7 whose time is the moment measured (RFC 9562 lets the timestamp be any chosen time):
 * metrics breaks ties between check-ins of one day and one recording by id, so the later
 * measurement of a day pushed in one request is the key result's current value.
 */
export function measurementId(measuredAt: Date, random: Uint8Array): string {
  const bytes = Buffer.alloc(16);
  const ms = Math.max(0, measuredAt.getTime());
  for (let index = 0; index < 6; index++) bytes[index] = Math.floor(ms / 2 ** (8 * (5 - index))) % 256;
  bytes.set(random.subarray(0, MEASUREMENT_ID_RANDOM_BYTES), 6);
  bytes[6] = 0x70 | (bytes[6] & 0x0f);
  bytes[8] = 0x80 | (bytes[8] & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** What a check-in's note says of a pushed measurement (the event has no field for its source). */
export function checkInNote(measurement: Pick<Measurement, 'source' | 'measuredAt'>): string {
  return `Pushed by ${measurement.source}, measured at ${measurement.measuredAt.toISOString()}`;
}

function describe(value: unknown): string {
  if (value === undefined) return 'a missing value';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
