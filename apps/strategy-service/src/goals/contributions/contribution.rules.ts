import { FieldProblem, invalid } from '@throughline/service-kit/domain';

export interface Contribution {
  goalId: string;
  weightPercent: number;
}

/** What a goal contributes to (weights summing to 100) and merely supports. Empty `contributesTo`: all of it to its parent. */
export interface Contributions {
  contributesTo: Contribution[];
  supports: string[];
}

/** The goal a contribution graph change is about. */
export interface ContributingGoal {
  id: string;
  parentGoalId: string | null;
}

/** A goal named as a target: where it is in the request, and what is known of it. */
export interface ContributionTarget {
  field: string;
  goalId: string;
}

/** Every goal named in the request, with the field that names it, in request order. */
export function contributionTargets(input: Contributions): ContributionTarget[] {
  return [
    ...input.contributesTo.map((contribution, index) => ({
      field: `contributesTo.${index}.goalId`,
      goalId: contribution.goalId,
    })),
    ...input.supports.map((goalId, index) => ({ field: `supports.${index}`, goalId })),
  ];
}

/**
 * What can be judged from the request alone: no goal named twice or named itself, weights that
 * share the whole goal out (they sum to 100), and the goal's parent among those it contributes to
 * (it stays where it is in the tree; the weights say how much of it rolls up there).
 */
export function assertContributionsHold(goal: ContributingGoal, input: Contributions): void {
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  for (const target of contributionTargets(input)) {
    if (target.goalId === goal.id) problems.push({ field: target.field, message: 'must not be the goal itself' });
    else if (seen.has(target.goalId)) problems.push({ field: target.field, message: 'names a goal already named' });
    seen.add(target.goalId);
  }
  const total = input.contributesTo.reduce((sum, contribution) => sum + contribution.weightPercent, 0);
  if (input.contributesTo.length > 0 && total !== 100)
    problems.push({ field: 'contributesTo', message: `weights must sum to 100 (they sum to ${total})` });
  if (
    input.contributesTo.length > 0 &&
    goal.parentGoalId !== null &&
    !input.contributesTo.some((contribution) => contribution.goalId === goal.parentGoalId)
  )
    problems.push({
      field: 'contributesTo',
      message: `must include the parent goal ${goal.parentGoalId} (give it its share; move the goal first to leave it)`,
    });
  if (problems.length > 0)
    throw invalid(
      `The contributions cannot be set: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}.`,
      problems,
    );
}

/**
 * Refuses a loop: no target may be the goal or lie below it. `goalsAbove` gives, for each target,
 * the goals reachable upwards from it through parents and contributions (itself included).
 */
export function assertNoContributionCycle(
  goalId: string,
  targets: readonly ContributionTarget[],
  goalsAbove: ReadonlyMap<string, ReadonlySet<string>>,
): void {
  const looping = targets.filter((target) => goalsAbove.get(target.goalId)?.has(goalId));
  if (looping.length > 0)
    throw invalid(
      `Goal ${looping[0].goalId} is already below this goal: contributing to it would make a cycle.`,
      looping.map((target) => ({ field: target.field, message: 'is below this goal (that would be a cycle)' })),
    );
}

/** Whether two sets of contributions are the same, order included (the order is shown). */
export function sameContributions(a: Contributions, b: Contributions): boolean {
  return JSON.stringify([a.contributesTo, a.supports]) === JSON.stringify([b.contributesTo, b.supports]);
}
