import { Column, Entity, Index } from 'typeorm';
import { bigintAsNumber, TenantAggregate } from '@throughline/service-kit';

/** The director's breakdown of a goal into a manager's piece of work; becomes a task once the goal is active. */
@Entity({ name: 'deliverable' })
@Index('deliverable_goal_idx', ['goalId'])
export class Deliverable extends TenantAggregate {
  @Column({ name: 'goal_id', type: 'uuid' })
  goalId: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ name: 'manager_id', type: 'uuid' })
  managerId: string;

  @Column({ name: 'due_date', type: 'date' })
  dueDate: string;

  @Column({ type: 'double precision', default: 1 })
  weight: number;

  @Column({ name: 'budget_minor', type: 'bigint', transformer: bigintAsNumber })
  budgetMinor: number;

  /** Removal keeps the row (and its reason) for the record; removed deliverables no longer count. */
  @Column({ name: 'removed_at', type: 'timestamptz', nullable: true })
  removedAt: Date | null;

  @Column({ name: 'removal_reason', type: 'text', nullable: true })
  removalReason: string | null;
}
