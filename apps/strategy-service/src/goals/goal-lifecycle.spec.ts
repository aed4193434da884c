import { DomainError } from '@throughline/service-kit/domain';
import { allowedGoalTransitions, assertGoalTransition, assertPeriod, GOAL_STATUSES, GoalStatus } from './goal-lifecycle';

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

  const illegal = GOAL_STATUSES.flatMap((from) => GOAL_STATUSES.map((to) => [from, to] as [GoalStatus, GoalStatus])).filter(([from, to]) => !legal.some(([f, t]) => f === from && t === to));

  it.each(illegal)('refuses %s → %s as a conflict that names the allowed moves', (from, to) => {
    expect.assertions(3);
    try {
      assertGoalTransition(from, to);
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).kind).toBe('conflict');
      expect((error as DomainError).message).toContain(allowedGoalTransitions(from).length ? allowedGoalTransitions(from).join(', ') : 'final');
    }
  });

  it('refuses a period that ends before it starts, and accepts a one-day period', () => {
    expect(() => assertPeriod('2026-02-01', '2026-01-31')).toThrow(/before it starts/);
    expect(() => assertPeriod('2026-02-01', '2026-02-01')).not.toThrow();
  });
});
