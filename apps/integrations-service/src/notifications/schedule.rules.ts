/**
 * When messages are due, in each person's own time zone: the period a message belongs to (its
 * key makes it once per person and period), whether a digest or reminder is due now, and when
 * quiet hours end. Framework-free.
 */
export interface LocalTime {
  /** YYYY-MM-DD in the person's time zone. */
  date: string;
  /** 1 = Monday … 7 = Sunday. */
  weekday: number;
  hour: number;
}

export function localTime(at: Date, timeZone: string): LocalTime {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      hourCycle: 'h23',
      weekday: 'short',
    })
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  );
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday) + 1;
  return { date: `${parts.year}-${parts.month}-${parts.day}`, weekday, hour: Number(parts.hour) };
}

/** Whether a time zone name is one this runtime knows (IANA, e.g. Europe/Berlin). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The ISO 8601 week of a calendar day, e.g. 2026-W49: a weekly message's period. */
export function isoWeek(date: string): string {
  const day = new Date(`${date}T00:00:00Z`);
  const weekday = day.getUTCDay() || 7;
  day.setUTCDate(day.getUTCDate() + 4 - weekday); // the Thursday of this week decides its year
  const yearStart = new Date(Date.UTC(day.getUTCFullYear(), 0, 1));
  const week = Math.ceil(((day.getTime() - yearStart.getTime()) / 86_400_000 + 1) / 7);
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

export type Cadence = 'daily' | 'weekly' | 'off';

/**
 * The period a scheduled message is due for now, or null when none is: a weekly one from the
 * configured weekday and hour on (the rest of that week still counts, so a missed tick catches
 * up), a daily one from the hour on.
 */
export function duePeriod(
  cadence: Cadence,
  now: LocalTime,
  schedule: { weekday: number; hour: number },
): string | null {
  if (cadence === 'off') return null;
  if (cadence === 'daily') return now.hour >= schedule.hour ? now.date : null;
  const reached = now.weekday > schedule.weekday || (now.weekday === schedule.weekday && now.hour >= schedule.hour);
  return reached ? isoWeek(now.date) : null;
}

/** The period of a message sent now on request: today's week for a digest, today for a reminder. */
export function currentPeriod(cadence: 'daily' | 'weekly', now: LocalTime): string {
  return cadence === 'daily' ? now.date : isoWeek(now.date);
}

export interface QuietHours {
  start: number | null;
  end: number | null;
  timeZone: string;
}

/**
 * When a message may go out: now, or the end of the person's quiet hours (start inclusive, end
 * exclusive; 22 → 7 spans midnight). Found by stepping whole hours, which every zone's offsets allow.
 */
export function sendableFrom(now: Date, quiet: QuietHours): Date {
  if (quiet.start === null || quiet.end === null || quiet.start === quiet.end) return now;
  const inQuiet = (hour: number) =>
    quiet.start! < quiet.end! ? hour >= quiet.start! && hour < quiet.end! : hour >= quiet.start! || hour < quiet.end!;
  if (!inQuiet(localTime(now, quiet.timeZone).hour)) return now;
  const at = new Date(now);
  at.setUTCMinutes(0, 0, 0);
  for (let step = 0; step < 24; step++) {
    at.setUTCHours(at.getUTCHours() + 1);
    if (!inQuiet(localTime(at, quiet.timeZone).hour)) return at;
  }
  return now;
}

export interface OpenTask {
  taskId: string;
  title: string;
  dueDate: string | null;
  lastActivityAt: Date;
}

/** A manager's tasks worth a reminder: overdue ones, and others with no update for `staleDays`. */
export function tasksToRemind(
  tasks: OpenTask[],
  today: string,
  now: Date,
  staleDays: number,
): { overdue: OpenTask[]; stale: OpenTask[] } {
  const overdue = tasks.filter((task) => task.dueDate !== null && task.dueDate < today);
  const staleBefore = now.getTime() - staleDays * 86_400_000;
  const stale = tasks.filter((task) => !overdue.includes(task) && task.lastActivityAt.getTime() < staleBefore);
  const byDue = (a: OpenTask, b: OpenTask) => (a.dueDate ?? '9999').localeCompare(b.dueDate ?? '9999');
  return { overdue: overdue.sort(byDue), stale: stale.sort((a, b) => +a.lastActivityAt - +b.lastActivityAt) };
}
