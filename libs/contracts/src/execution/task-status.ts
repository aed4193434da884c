import { Type } from '@sinclair/typebox';

/** The task lifecycle states, shared by execution (which owns them) and metrics (which reads them). */
export const TASK_STATUSES = ['todo', 'in_progress', 'blocked', 'done', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const TaskStatusSchema = Type.Union(TASK_STATUSES.map((status) => Type.Literal(status)));
