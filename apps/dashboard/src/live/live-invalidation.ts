/**
 * Which cached queries an event from the live stream makes stale. Query keys start with the service
 * that answers them ('strategy', 'execution', 'metrics'), so an event refreshes every open view of
 * what it changed; a view not on screen refetches when it is next shown.
 */
export type Service = 'strategy' | 'execution' | 'metrics';

/** `throughline.task.cost-recorded.v1` or `task.cost-recorded` → `task.cost-recorded`. */
export function eventName(type: string): string {
  return type.replace(/^throughline\./, '').replace(/\.v\d+$/, '');
}

export function staleServices(type: string): Service[] {
  const name = eventName(type);
  if (name.startsWith('alignment-score.') || name.startsWith('alert.')) return ['metrics'];
  // Work reported: the task views, and the KPIs computed from it.
  if (name.startsWith('task.') || name === 'key-result.checked-in') return ['execution', 'metrics'];
  // The plan: its own views, the tasks made from deliverables, and the budgets and KRs metrics reads.
  if (/^(goal|key-result|budget|deliverable|risk)\./.test(name)) return ['strategy', 'execution', 'metrics'];
  if (/^(organisation|org-unit|person)\./.test(name)) return ['strategy', 'metrics'];
  return ['strategy', 'execution', 'metrics'];
}
