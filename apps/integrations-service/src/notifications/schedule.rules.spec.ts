import { duePeriod, isoWeek, isTimeZone, localTime, sendableFrom, tasksToRemind } from './schedule.rules';

describe('notification schedule', () => {
  it.each([
    ['2026-11-30', '2026-W49'], // a Monday
    ['2026-12-06', '2026-W49'], // its Sunday
    ['2027-01-01', '2026-W53'], // a Friday still in the last week of 2026
    ['2024-12-30', '2025-W01'], // a Monday already in 2025's first week
  ])('puts %s in ISO week %s', (date, week) => expect(isoWeek(date)).toBe(week));

  it("reads the day and hour in the person's time zone", () => {
    const at = new Date('2026-11-29T23:30:00Z'); // Sunday in London, Monday in Berlin
    expect(localTime(at, 'Europe/London')).toEqual({ date: '2026-11-29', weekday: 7, hour: 23 });
    expect(localTime(at, 'Europe/Berlin')).toEqual({ date: '2026-11-30', weekday: 1, hour: 0 });
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });

  it('makes a weekly message due from its weekday and hour to the end of that week, a daily one from its hour', () => {
    const schedule = { weekday: 1, hour: 8 };
    expect(duePeriod('weekly', { date: '2026-11-30', weekday: 1, hour: 7 }, schedule)).toBeNull();
    expect(duePeriod('weekly', { date: '2026-11-30', weekday: 1, hour: 8 }, schedule)).toBe('2026-W49');
    expect(duePeriod('weekly', { date: '2026-12-03', weekday: 4, hour: 2 }, schedule)).toBe('2026-W49');
    expect(duePeriod('daily', { date: '2026-12-03', weekday: 4, hour: 8 }, schedule)).toBe('2026-12-03');
    expect(duePeriod('daily', { date: '2026-12-03', weekday: 4, hour: 7 }, schedule)).toBeNull();
    expect(duePeriod('off', { date: '2026-12-03', weekday: 4, hour: 23 }, schedule)).toBeNull();
  });

  it('holds a message until quiet hours end, also across midnight and in other zones', () => {
    const quiet = { start: 22, end: 7, timeZone: 'Europe/Berlin' };
    expect(sendableFrom(new Date('2026-11-30T12:00:00Z'), quiet)).toEqual(new Date('2026-11-30T12:00:00Z'));
    // 23:15 in Berlin → 07:00 Berlin = 06:00 UTC.
    expect(sendableFrom(new Date('2026-11-30T22:15:00Z'), quiet)).toEqual(new Date('2026-12-01T06:00:00Z'));
    expect(sendableFrom(new Date('2026-11-30T22:15:00Z'), { start: null, end: null, timeZone: 'UTC' })).toEqual(
      new Date('2026-11-30T22:15:00Z'),
    );
  });

  it('reminds of overdue tasks first and of tasks quiet for the given days, not of fresh ones', () => {
    const now = new Date('2026-11-30T09:00:00Z');
    const task = (taskId: string, dueDate: string | null, lastActivity: string) => ({
      taskId,
      title: taskId,
      dueDate,
      lastActivityAt: new Date(lastActivity),
    });
    const { overdue, stale } = tasksToRemind(
      [
        task('late', '2026-11-20', '2026-11-29T00:00:00Z'),
        task('later', '2026-11-25', '2026-11-01T00:00:00Z'),
        task('quiet', '2026-12-20', '2026-11-20T00:00:00Z'),
        task('fresh', null, '2026-11-28T00:00:00Z'),
        task('due today', '2026-11-30', '2026-11-29T00:00:00Z'),
      ],
      '2026-11-30',
      now,
      7,
    );
    expect(overdue.map((entry) => entry.taskId)).toEqual(['late', 'later']);
    expect(stale.map((entry) => entry.taskId)).toEqual(['quiet']);
  });
});
