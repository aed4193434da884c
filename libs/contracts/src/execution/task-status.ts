import { Type } from '@sinclair/typebox';
import { TASK_STATUSES } from './task-lifecycle';

/** The task lifecycle states, shared by execution (which owns them), metrics (which reads them) and the dashboard. */
export { TASK_STATUSES, TASK_TRANSITIONS, transitionNeedsReason, type TaskStatus } from './task-lifecycle';
export const TaskStatusSchema = Type.Union(TASK_STATUSES.map((status) => Type.Literal(status)));
