import { TaskStatus } from '@throughline/contracts';
import { DomainError } from '@throughline/service-kit/domain';
import { assertCostCurrency, assertNotInFuture, assertReportable, checkNewTaskLink, TaskReport } from './task.rules';

function kindOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (error) {
    return (error as DomainError).kind;
  }
}

describe('task rules', () => {
  it.each<[TaskStatus, TaskReport, string | null]>([
    ['todo', 'progress', null],
    ['in_progress', 'progress', null],
    ['blocked', 'progress', null],
    ['done', 'progress', 'conflict'],
    ['cancelled', 'progress', 'conflict'],
    ['done', 'cost', null],
    ['done', 'hours', null],
    ['done', 'quality issue', null],
    ['cancelled', 'cost', 'conflict'],
    ['cancelled', 'hours', 'conflict'],
    ['cancelled', 'quality issue', 'conflict'],
  ])('a %s task reporting %s → %s', (status, report, expected) => {
    expect(kindOf(() => assertReportable(status, report))).toBe(expected);
  });

  it.each<[string | null, string, string | null]>([
    ['EUR', 'EUR', null],
    ['EUR', 'USD', 'invalid'],
    [null, 'EUR', 'conflict'],
  ])('a cost in %s on a task in %s → %s', (taskCurrency, currency, expected) => {
    expect(kindOf(() => assertCostCurrency(taskCurrency, currency))).toBe(expected);
  });

  it.each([
    ['2026-03-01', '2026-03-01', null],
    ['2026-02-28', '2026-03-01', null],
    ['2026-03-02', '2026-03-01', 'invalid'],
  ])('a date %s when today is %s → %s', (date, today, expected) => {
    expect(kindOf(() => assertNotInFuture(date, today, 'incurredOn'))).toBe(expected);
  });

  const goalId = '5d1c7f9e-2a3b-4c5d-8e9f-0a1b2c3d4e5f';
  const active = { status: 'active', currency: 'EUR' };
  it.each<[string, Parameters<typeof checkNewTaskLink>[0], Parameters<typeof checkNewTaskLink>[1], string | null]>([
    ['linked to an active goal', { linkedGoalId: goalId }, active, null],
    ['linked, with the goal currency', { linkedGoalId: goalId, currency: 'EUR' }, active, null],
    ['linked, with another currency', { linkedGoalId: goalId, currency: 'USD' }, active, 'invalid'],
    ['linked to a draft goal', { linkedGoalId: goalId }, { status: 'draft', currency: 'EUR' }, 'invalid'],
    ['linked to a closed goal', { linkedGoalId: goalId }, { status: 'achieved', currency: 'EUR' }, 'invalid'],
    ['linked to an unknown goal', { linkedGoalId: goalId }, null, 'invalid'],
    ['linked, with an unlinked reason', { linkedGoalId: goalId, unlinkedReason: 'x' }, active, 'invalid'],
    [
      'unlinked with reason and currency',
      { linkedGoalId: null, unlinkedReason: 'Customer escalation', currency: 'EUR' },
      null,
      null,
    ],
    ['unlinked without a reason', { linkedGoalId: null, currency: 'EUR' }, null, 'invalid'],
    ['unlinked with a blank reason', { linkedGoalId: null, unlinkedReason: '  ', currency: 'EUR' }, null, 'invalid'],
    ['unlinked without a currency', { linkedGoalId: null, unlinkedReason: 'Customer escalation' }, null, 'invalid'],
  ])('a new task %s → %s', (_, link, goal, expected) => {
    expect(kindOf(() => checkNewTaskLink(link, goal))).toBe(expected);
  });

  it('takes the goal currency for linked work and keeps the reason for unlinked work', () => {
    expect(checkNewTaskLink({ linkedGoalId: goalId }, active)).toEqual({
      goalId,
      currency: 'EUR',
      unlinkedReason: null,
    });
    expect(checkNewTaskLink({ linkedGoalId: null, unlinkedReason: ' Audit prep ', currency: 'USD' }, null)).toEqual({
      goalId: null,
      currency: 'USD',
      unlinkedReason: 'Audit prep',
    });
  });
});
