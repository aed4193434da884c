import { TASK_TRANSITIONS as NEXT, TaskStatus, transitionNeedsReason } from '@throughline/contracts';
import { conflict, invalid } from '@throughline/service-kit/domain';

export const OPEN_STATUSES: readonly TaskStatus[] = ['todo', 'in_progress', 'blocked'];

export function isOpen(status: TaskStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

export interface TransitionResult {
  status: TaskStatus;
  progress: number;
}

/**
 * Applies a status change or explains why not. Blocking and cancelling need a reason
 * (someone will ask why); finishing sets progress to 100.
 */
export function transition(
  from: TaskStatus,
  to: TaskStatus,
  progress: number,
  reason?: string | null,
): TransitionResult {
  if (!NEXT[from].includes(to)) {
    const allowed = NEXT[from].length
      ? `from ${from} a task can move to: ${NEXT[from].join(', ')}`
      : `${from} is final`;
    throw conflict(`A task cannot move from ${from} to ${to} (${allowed}).`);
  }
  if (transitionNeedsReason(to) && !reason?.trim()) {
    throw invalid(`Moving a task to ${to} needs a reason.`, [
      { field: 'reason', message: `required when moving to ${to}` },
    ]);
  }
  return { status: to, progress: to === 'done' ? 100 : progress };
}
