import { GoalView } from './dto/goal.dto';
import { Goal } from './goal.entity';

export function goalView(goal: Goal): GoalView {
  return {
    id: goal.id,
    title: goal.title,
    description: goal.description,
    ownerId: goal.ownerId,
    orgUnitId: goal.orgUnitId,
    parentGoalId: goal.parentGoalId,
    periodStart: goal.periodStart,
    periodEnd: goal.periodEnd,
    weight: goal.weight,
    status: goal.status,
    budget: { currency: goal.currency, amountMinor: goal.budgetMinor, revision: goal.budgetRevision },
    closeReason: goal.closeReason,
    version: goal.version,
  };
}
