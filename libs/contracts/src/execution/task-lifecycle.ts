/**
 * The task lifecycle: todo → in_progress → blocked ↔ in_progress → done; cancelled from any open
 * state. Execution enforces it; the dashboard offers only these moves. No schema library here, so a
 * browser bundle can import it alone (`@throughline/contracts/task-lifecycle`).
 */
export const TASK_STATUSES = ['todo', 'in_progress', 'blocked', 'done', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TASK_TRANSITIONS: Readonly<Record<TaskStatus, readonly TaskStatus[]>> = {
  todo: ['in_progress', 'cancelled'],
  in_progress: ['blocked', 'done', 'cancelled'],
  blocked: ['in_progress', 'cancelled'],
  done: [],
  cancelled: [],
};

/** Blocking and cancelling need a reason (someone will ask why). */
export function transitionNeedsReason(to: TaskStatus): boolean {
  return to === 'blocked' || to === 'cancelled';
}
