import { conflict, invalid } from '@throughline/service-kit/domain';

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
  throw conflict(`A ${from} goal cannot become ${to} (${allowed}).`);
}

/** Dates are ISO calendar days (YYYY-MM-DD), so string comparison is date comparison. */
export function assertPeriod(start: string, end: string): void {
  if (start > end)
    throw invalid(`The period ends (${end}) before it starts (${start}).`, [
      { field: 'periodEnd', message: 'must not be before periodStart' },
    ]);
}

export const GOAL_OUTCOMES = ['achieved', 'missed', 'abandoned'] as const;
export type GoalOutcome = (typeof GOAL_OUTCOMES)[number];

/** A closed goal is a record: neither it nor its key results, budget, deliverables or risks change any more. */
export function assertGoalOpen(status: GoalStatus, change: string): void {
  if (status === 'draft' || status === 'active') return;
  throw conflict(`The goal is ${status}, which is final: ${change} is no longer possible.`);
}

/**
 * A sub-goal's parent must be a goal of the organisation (null: none there), still open, whose
 * period contains the child's.
 */
export function assertParentTakes(
  parent: { status: GoalStatus; periodStart: string; periodEnd: string } | null,
  parentGoalId: string,
  child: { periodStart: string; periodEnd: string },
): void {
  if (!parent)
    throw invalid(`parentGoalId ${parentGoalId} is not a goal of this organisation.`, [
      { field: 'parentGoalId', message: 'must be an existing goal' },
    ]);
  if (parent.status !== 'draft' && parent.status !== 'active') {
    throw invalid(`The parent goal is ${parent.status}: a closed goal takes no new sub-goals.`, [
      { field: 'parentGoalId', message: 'must be a draft or active goal' },
    ]);
  }
  assertWithinParentPeriod(child, parent);
}

/** A draft becomes active now; any other status refuses (409). */
export function activate<T extends { status: GoalStatus; activatedAt: Date | null }>(
  goal: T,
  at = new Date(),
): asserts goal is T & { activatedAt: Date } {
  assertGoalTransition(goal.status, 'active');
  goal.status = 'active';
  goal.activatedAt = at;
}

/** A sub-goal serves its parent within the parent's time: its period must lie inside the parent's. */
export function assertWithinParentPeriod(
  child: { periodStart: string; periodEnd: string },
  parent: { periodStart: string; periodEnd: string },
): void {
  if (child.periodStart < parent.periodStart || child.periodEnd > parent.periodEnd) {
    throw invalid(
      `A sub-goal's period (${child.periodStart} – ${child.periodEnd}) must lie within its parent's (${parent.periodStart} – ${parent.periodEnd}).`,
      [
        {
          field: child.periodStart < parent.periodStart ? 'periodStart' : 'periodEnd',
          message: "must lie within the parent goal's period",
        },
      ],
    );
  }
}

/** A deliverable's due date lies within its goal's period. */
export function assertDueWithinPeriod(dueDate: string, goal: { periodStart: string; periodEnd: string }): void {
  if (dueDate < goal.periodStart || dueDate > goal.periodEnd) {
    throw invalid(`dueDate ${dueDate} must lie within the goal's period (${goal.periodStart} – ${goal.periodEnd}).`, [
      { field: 'dueDate', message: "must lie within the goal's period" },
    ]);
  }
}
