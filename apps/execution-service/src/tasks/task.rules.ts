import { TaskStatus } from '@throughline/contracts';
import { conflict, invalid } from '@throughline/service-kit/domain';
import { isOpen } from './task-state-machine';

/** What a manager may report on a task in a given status, and the checks on what they report. */
export type TaskReport = 'progress' | 'cost' | 'hours' | 'quality issue';

export function assertReportable(status: TaskStatus, report: TaskReport): void {
  // Progress belongs to open work (done already means 100); costs, hours and defects can still surface after completion.
  if (report === 'progress' ? !isOpen(status) : status === 'cancelled') {
    const hint =
      report === 'progress' && status === 'done'
        ? 'a done task is at 100'
        : `a ${status} task takes no more ${report} reports`;
    throw conflict(`Cannot report ${report} on a ${status} task: ${hint}.`);
  }
}

/** Costs are booked in the currency of the goal budget (or of the unlinked task), never converted. */
export function assertCostCurrency(taskCurrency: string | null, currency: string): void {
  if (taskCurrency === null) throw conflict('This task has no currency to book costs in; it was created without one.');
  if (currency !== taskCurrency)
    throw invalid(
      `Costs on this task are booked in ${taskCurrency}, the currency of its budget; convert the amount and send currency ${taskCurrency}.`,
      [{ field: 'currency', message: `must be ${taskCurrency}` }],
    );
}

/** Something measured or spent is in the past or today, not ahead (dates are calendar days, UTC). */
export function assertNotInFuture(date: string, today: string, field: string): void {
  if (date > today)
    throw invalid(`${field} ${date} is in the future (today is ${today}); report what has happened.`, [
      { field, message: 'must not be after today' },
    ]);
}

export interface NewTaskLink {
  linkedGoalId: string | null;
  unlinkedReason?: string | null;
  currency?: string | null;
}

/**
 * A manager's own task either serves an active goal or says why it serves none. Unlinked
 * work is allowed — it is what the focus score measures — but never by omission.
 */
export function checkNewTaskLink(
  link: NewTaskLink,
  goal: { status: string; currency: string | null } | null,
): { goalId: string | null; currency: string | null; unlinkedReason: string | null } {
  if (link.linkedGoalId === null) {
    const reason = link.unlinkedReason?.trim();
    if (!reason)
      throw invalid('Unlinked work needs an unlinkedReason saying why it serves no goal.', [
        { field: 'unlinkedReason', message: 'required when linkedGoalId is null' },
      ]);
    if (!link.currency)
      throw invalid(
        'Unlinked work has no goal budget to take a currency from: give currency (e.g. "EUR") so its costs can be booked.',
        [{ field: 'currency', message: 'required when linkedGoalId is null' }],
      );
    return { goalId: null, currency: link.currency, unlinkedReason: reason };
  }
  if (link.unlinkedReason !== undefined && link.unlinkedReason !== null) {
    throw invalid('unlinkedReason is only for unlinked work; leave it out when linkedGoalId names a goal.', [
      { field: 'unlinkedReason', message: 'must be absent when linkedGoalId is set' },
    ]);
  }
  if (!goal || goal.status === 'unknown')
    throw invalid(
      `Goal ${link.linkedGoalId} is not known here; link to an active goal, or send linkedGoalId null with an unlinkedReason.`,
      [{ field: 'linkedGoalId', message: 'unknown goal' }],
    );
  if (goal.status !== 'active')
    throw invalid(
      `Goal ${link.linkedGoalId} is ${goal.status}, not active; work can be linked only to an active goal.`,
      [{ field: 'linkedGoalId', message: `goal is ${goal.status}` }],
    );
  if (link.currency && goal.currency && link.currency !== goal.currency) {
    throw invalid(`The goal's budget is in ${goal.currency}; leave currency out or send ${goal.currency}.`, [
      { field: 'currency', message: `must be ${goal.currency}` },
    ]);
  }
  return { goalId: link.linkedGoalId, currency: goal.currency, unlinkedReason: null };
}
