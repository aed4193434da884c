import { Column, Entity, Index } from 'typeorm';
import { TaskStatus } from '@throughline/contracts';
import { bigintAsNumber, TenantAggregate } from '@throughline/service-kit';

@Entity({ name: 'task' })
@Index('task_org_manager_status_idx', ['orgId', 'managerId', 'status'])
export class Task extends TenantAggregate {
  /** Null for honestly unlinked work. */
  @Column({ name: 'goal_id', type: 'uuid', nullable: true })
  goalId: string | null;

  @Column({ name: 'deliverable_id', type: 'uuid', nullable: true })
  deliverableId: string | null;

  @Column({ name: 'manager_id', type: 'uuid' })
  managerId: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text', default: 'todo' })
  status: TaskStatus;

  @Column({ type: 'integer', default: 0 })
  progress: number;

  @Column({ name: 'due_date', type: 'date', nullable: true })
  dueDate: string | null;

  @Column({ type: 'double precision', default: 1 })
  weight: number;

  @Column({ type: 'char', length: 3, nullable: true })
  currency: string | null;

  @Column({ name: 'planned_cost_minor', type: 'bigint', transformer: bigintAsNumber, default: 0 })
  plannedCostMinor: number;

  @Column({ type: 'text' })
  origin: 'deliverable' | 'manager';

  @Column({ name: 'blocked_reason', type: 'text', nullable: true })
  blockedReason: string | null;

  @Column({ name: 'cancellation_reason', type: 'text', nullable: true })
  cancellationReason: string | null;

  /** Why a manager's task serves no goal: unlinked work is allowed, but it is said out loud. */
  @Column({ name: 'unlinked_reason', type: 'text', nullable: true })
  unlinkedReason: string | null;

  /** The manager who added the task; null for tasks derived from a deliverable. */
  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @Column({ name: 'actual_cost_minor', type: 'bigint', transformer: bigintAsNumber, default: 0 })
  actualCostMinor: number;

  @Column({ name: 'minutes_worked', type: 'integer', default: 0 })
  minutesWorked: number;

  @Column({ name: 'quality_issue_count', type: 'integer', default: 0 })
  qualityIssueCount: number;
}
