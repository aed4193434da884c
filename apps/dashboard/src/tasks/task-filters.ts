import type { TaskStatus } from '@throughline/contracts/task-lifecycle';

/** The my-tasks filters as they sit in the address (?status=&goal=&overdue=), so a filtered view can be shared and reloaded. */
export interface TaskFilters {
  status?: TaskStatus;
  goalId?: string;
  /** 'unlinked' for work linked to no goal. */
  linked?: boolean;
  overdue?: boolean;
}

const STATUSES: readonly string[] = ['todo', 'in_progress', 'blocked', 'done', 'cancelled'];

export function filtersFrom(search: URLSearchParams): TaskFilters {
  const status = search.get('status');
  const goal = search.get('goal');
  return {
    status: status && STATUSES.includes(status) ? (status as TaskStatus) : undefined,
    goalId: goal && goal !== 'unlinked' ? goal : undefined,
    linked: goal === 'unlinked' ? false : undefined,
    overdue: search.get('overdue') === 'true' ? true : undefined,
  };
}

/** The query the execution API takes for these filters (only the ones set). */
export function taskQuery(filters: TaskFilters): Record<string, string | boolean> {
  return Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined)) as Record<
    string,
    string | boolean
  >;
}
