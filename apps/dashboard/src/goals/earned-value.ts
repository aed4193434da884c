/**
 * Budget over time for a goal, the earned-value way: planned value (each task's planned cost spread
 * evenly from the goal's start to the task's due date), earned value (planned cost × progress reached
 * by then) and actual cost (costs by the day they were incurred). Read from the tasks' histories.
 */
export interface TaskRecord {
  plannedCostMinor: number;
  dueDate: string | null;
  history: Array<{ change: string; details: Record<string, unknown>; at: string }>;
}

export interface BudgetPoint {
  day: number;
  planned: number;
  earned: number;
  actual: number;
}

const DAY = 86_400_000;

export function budgetOverTime(
  tasks: TaskRecord[],
  periodStart: string,
  periodEnd: string,
  today: Date,
): BudgetPoint[] {
  const start = Date.parse(`${periodStart}T00:00:00Z`);
  const end = Math.min(
    Date.parse(`${periodEnd}T00:00:00Z`),
    Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()),
  );
  if (!(end >= start)) return [];
  const step = end - start > 120 * DAY ? 7 * DAY : DAY;
  const days: number[] = [];
  for (let day = start; day < end; day += step) days.push(day);
  days.push(end);
  const progressSteps = tasks.map(progressHistory);
  const costs = tasks.flatMap((task) =>
    task.history
      .filter((entry) => entry.change === 'cost')
      .map((entry) => ({
        day: Date.parse(`${String(entry.details.incurredOn ?? entry.at).slice(0, 10)}T00:00:00Z`),
        amount: Number(entry.details.amountMinor ?? 0),
      })),
  );
  return days.map((day) => ({
    day,
    planned: Math.round(
      tasks.reduce((sum, task) => {
        const due = task.dueDate
          ? Date.parse(`${task.dueDate.slice(0, 10)}T00:00:00Z`)
          : Date.parse(`${periodEnd}T00:00:00Z`);
        const share = due <= start ? 1 : Math.min(1, Math.max(0, (day - start) / (due - start)));
        return sum + task.plannedCostMinor * share;
      }, 0),
    ),
    earned: Math.round(
      tasks.reduce(
        (sum, task, index) => sum + (task.plannedCostMinor * progressAt(progressSteps[index], day)) / 100,
        0,
      ),
    ),
    actual: costs.filter((cost) => cost.day <= day).reduce((sum, cost) => sum + cost.amount, 0),
  }));
}

/** The task's progress after each change, by the day it was reported (finishing counts as 100). */
function progressHistory(task: TaskRecord): Array<{ day: number; progress: number }> {
  return task.history
    .flatMap((entry) => {
      const day = Date.parse(`${entry.at.slice(0, 10)}T00:00:00Z`);
      if (entry.change === 'progress') return [{ day, progress: Number(entry.details.to ?? 0) }];
      if (entry.change === 'status' && entry.details.to === 'done') return [{ day, progress: 100 }];
      return [];
    })
    .sort((a, b) => a.day - b.day);
}

function progressAt(steps: Array<{ day: number; progress: number }>, day: number): number {
  let progress = 0;
  for (const step of steps) if (step.day <= day) progress = step.progress;
  return progress;
}
