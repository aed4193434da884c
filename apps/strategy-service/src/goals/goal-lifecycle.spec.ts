import { DomainError } from '@throughline/service-kit/domain';
import {
  activate,
  allowedGoalTransitions,
  assertDueWithinPeriod,
  assertGoalOpen,
  assertGoalTransition,
  assertParentTakes,
  assertPeriod,
  assertWithinParentPeriod,
  GOAL_STATUSES,
  GoalStatus,
} from './goal-lifecycle';

const legal: Array<[GoalStatus, GoalStatus]> = [
  ['draft', 'active'],
  ['draft', 'abandoned'],
  ['active', 'achieved'],
  ['active', 'missed'],
  ['active', 'abandoned'],
];

describe('goal lifecycle', () => {
  it.each(legal)('allows %s → %s', (from, to) => {
    expect(() => assertGoalTransition(from, to)).not.toThrow();
  });

  const illegal = GOAL_STATUSES.flatMap((from) =>
    GOAL_STATUSES.map((to) => [from, to] as [GoalStatus, GoalStatus]),
  ).filter(([from, to]) => !legal.some(([f, t]) => f === from && t === to));

  it.each(illegal)('refuses %s → %s as a conflict that names the allowed moves', (from, to) => {
    expect.assertions(3);
    try {
      assertGoalTransition(from, to);
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).kind).toBe('conflict');
      expect((error as DomainError).message).toContain(
        allowedGoalTransitions(from).length ? allowedGoalTransitions(from).join(', ') : 'final',
      );
    }
  });

  it('refuses a period that ends before it starts, and accepts a one-day period', () => {
    expect(() => assertPeriod('2026-02-01', '2026-01-31')).toThrow(/before it starts/);
    expect(() => assertPeriod('2026-02-01', '2026-02-01')).not.toThrow();
  });

  it.each([
    ['draft', true],
    ['active', true],
    ['achieved', false],
    ['missed', false],
    ['abandoned', false],
  ] as Array<[GoalStatus, boolean]>)('a %s goal is open for changes: %p', (status, open) => {
    if (open) expect(() => assertGoalOpen(status, 'adding a risk')).not.toThrow();
    else
      expect(() => assertGoalOpen(status, 'adding a risk')).toThrow(
        new RegExp(`${status}, which is final: adding a risk is no longer possible`),
      );
  });

  const parent = { periodStart: '2026-01-01', periodEnd: '2026-06-30' };
  it.each([
    ['the same period', '2026-01-01', '2026-06-30', null],
    ['a quarter inside', '2026-04-01', '2026-06-30', null],
    ['starting a day early', '2025-12-31', '2026-03-31', 'periodStart'],
    ['ending a day late', '2026-04-01', '2026-07-01', 'periodEnd'],
  ])("a sub-goal with %s of its parent's", (_, periodStart, periodEnd, field) => {
    const check = () => assertWithinParentPeriod({ periodStart, periodEnd }, parent);
    if (!field) return expect(check).not.toThrow();
    try {
      check();
      throw new Error('accepted');
    } catch (error) {
      expect((error as DomainError).fields).toEqual([{ field, message: "must lie within the parent goal's period" }]);
    }
  });

  it.each([
    ['2026-01-01', true],
    ['2026-06-30', true],
    ['2025-12-31', false],
    ['2026-07-01', false],
  ])('a deliverable due %s is inside the goal period: %p', (dueDate, inside) => {
    if (inside) expect(() => assertDueWithinPeriod(dueDate, parent)).not.toThrow();
    else expect(() => assertDueWithinPeriod(dueDate, parent)).toThrow(/must lie within the goal's period/);
  });

  it.each<[string, { status: GoalStatus; periodStart: string; periodEnd: string } | null, string | null]>([
    ['an open parent containing the period', { status: 'active', ...parent }, null],
    ['no parent in the organisation', null, 'parentGoalId p is not a goal of this organisation.'],
    ['a closed parent', { status: 'achieved', ...parent }, 'The parent goal is achieved'],
    [
      'a parent ending earlier',
      { status: 'draft', periodStart: '2026-01-01', periodEnd: '2026-03-31' },
      'must lie within',
    ],
  ])('a sub-goal of %s', (_, candidate, refusal) => {
    const check = () => assertParentTakes(candidate, 'p', { periodStart: '2026-02-01', periodEnd: '2026-05-31' });
    if (refusal === null) expect(check).not.toThrow();
    else expect(check).toThrow(refusal);
  });

  it('activates a draft at the given moment, and refuses to activate it twice', () => {
    const goal: { status: GoalStatus; activatedAt: Date | null } = { status: 'draft', activatedAt: null };
    const at = new Date('2026-03-01T10:00:00Z');
    activate(goal, at);
    expect(goal).toEqual({ status: 'active', activatedAt: at });
    expect(() => activate(goal)).toThrow('A active goal cannot become active');
    expect(goal.activatedAt).toBe(at);
  });
});
