import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TaskStatus } from '@throughline/contracts';
import { bigintAsNumber } from '@throughline/service-kit';

/** Metrics' own copy of a task, built from execution events only. */
@Entity({ name: 'task_read_model' })
@Index('task_read_model_goal_idx', ['goalId'])
export class TaskReadModel {
  @PrimaryColumn({ name: 'task_id', type: 'uuid' })
  taskId: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ name: 'goal_id', type: 'uuid', nullable: true })
  goalId: string | null;

  @Column({ name: 'manager_id', type: 'uuid' })
  managerId: string;

  @Column({ type: 'text' })
  status: TaskStatus;

  @Column({ type: 'integer' })
  progress: number;

  @Column({ type: 'double precision' })
  weight: number;

  @Column({ name: 'due_date', type: 'date', nullable: true })
  dueDate: string | null;

  @Column({ name: 'planned_cost_minor', type: 'bigint', transformer: bigintAsNumber })
  plannedCostMinor: number;

  /** The task version last applied: older events arriving late are ignored. */
  @Column({ name: 'task_version', type: 'integer' })
  taskVersion: number;
}
