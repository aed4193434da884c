import { DomainError } from '@throughline/service-kit/domain';

export const GOAL_STATUSES = ['draft', 'active', 'achieved', 'missed', 'abandoned'] as const;
export type GoalStatus = (typeof GOAL_STATUSES)[number];

/** draft → active → achieved | missed | abandoned; a draft may also be abandoned. */
const NEXT: Record<GoalStatus, readonly GoalStatus[]> = {
  draft: ['active', 'abandoned'],
  active: ['achieved', 'missed', 'abandoned'],
  achieved: [],
  missed: [],
  abandoned: [],
};

export function allowedGoalTransitions(from: GoalStatus): readonly GoalStatus[] {
  return NEXT[from];
}

export function assertGoalTransition(from: GoalStatus, to: GoalStatus): void {
  if (NEXT[from].includes(to)) return;
  const allowed = NEXT[from].length ? `a ${from} goal can become: ${NEXT[from].join(', ')}` : `${from} is final`;
  throw new DomainError('conflict', `A ${from} goal cannot become ${to} (${allowed}).`);
}

/** Dates are ISO calendar days (YYYY-MM-DD), so string comparison is date comparison. */
export function assertPeriod(start: string, end: string): void {
  if (start > end) throw new DomainError('invalid', `The period ends (${end}) before it starts (${start}).`, [{ field: 'periodEnd', message: 'must not be before periodStart' }]);
}
