/**
 * What the live stream tells whom. A message names what changed (ids, never figures) so the
 * page refetches through the services, which apply their own access rules; this filter keeps a
 * person from even learning of changes they may not see.
 */
export interface LiveMessage {
  /** e.g. `task.status-changed`, `alignment-score.changed` */
  type: string;
  orgId: string;
  taskId?: string;
  goalId?: string;
  managerId?: string;
  keyResultId?: string;
  deliverableId?: string;
  riskId?: string;
  personId?: string;
  orgUnitId?: string;
  scope?: string;
  scopeId?: string;
}

export interface LiveViewer {
  personId: string;
  orgId: string;
  role: string;
}

const ID_FIELDS = [
  'taskId',
  'goalId',
  'managerId',
  'keyResultId',
  'deliverableId',
  'riskId',
  'personId',
  'orgUnitId',
  'scope',
  'scopeId',
] as const;

/** The message of an event: its short type, its organisation and the ids it is about. */
export function liveMessageOf(event: { type: string; orgid?: string; data: unknown }): LiveMessage | null {
  if (!event.orgid) return null;
  const type = event.type.replace(/^throughline\./, '').replace(/\.v\d+$/, '');
  const message: LiveMessage = { type, orgId: event.orgid };
  const data = (event.data ?? {}) as Record<string, unknown>;
  for (const field of ID_FIELDS) if (typeof data[field] === 'string') message[field] = data[field] as string;
  return message;
}

/**
 * Never another organisation's. Directors and admins follow their whole organisation. A manager
 * follows their own work (what names them as manager), their own score, and the goals they
 * work on at goal level — never another manager's tasks, reports or score.
 */
export function mayReceive(viewer: LiveViewer, message: LiveMessage): boolean {
  if (message.orgId !== viewer.orgId) return false;
  if (viewer.role === 'director' || viewer.role === 'admin') return true;
  if (viewer.role !== 'manager') return false;
  if (message.scope !== undefined)
    return message.scope === 'goal' || (message.scope === 'manager' && message.scopeId === viewer.personId);
  if (message.managerId !== undefined) return message.managerId === viewer.personId;
  return message.type.startsWith('goal.');
}
