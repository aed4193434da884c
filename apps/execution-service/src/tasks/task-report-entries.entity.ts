import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintAsNumber } from '@throughline/service-kit';

/** An actual cost booked against a task, in exact minor units of the goal budget's currency. */
@Entity({ name: 'task_cost_entry' })
export class TaskCostEntry {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'task_id', type: 'uuid' }) taskId: string;
  @Column({ name: 'org_id', type: 'uuid' }) orgId: string;
  @Column({ type: 'char', length: 3 }) currency: string;
  @Column({ name: 'amount_minor', type: 'bigint', transformer: bigintAsNumber }) amountMinor: number;
  @Column({ type: 'text' }) description: string;
  @Column({ name: 'incurred_on', type: 'date' }) incurredOn: string;
  @Column({ name: 'recorded_by', type: 'uuid' }) recordedBy: string;
  @CreateDateColumn({ name: 'recorded_at', type: 'timestamptz' }) recordedAt: Date;
}

/** Time worked on a task, as whole minutes (exact, no fractional hours). */
@Entity({ name: 'task_hours_entry' })
export class TaskHoursEntry {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'task_id', type: 'uuid' }) taskId: string;
  @Column({ name: 'org_id', type: 'uuid' }) orgId: string;
  @Column({ type: 'integer' }) minutes: number;
  @Column({ name: 'worked_on', type: 'date' }) workedOn: string;
  @Column({ type: 'text', nullable: true }) note: string | null;
  @Column({ name: 'recorded_by', type: 'uuid' }) recordedBy: string;
  @CreateDateColumn({ name: 'recorded_at', type: 'timestamptz' }) recordedAt: Date;
}

export const QUALITY_ISSUE_KINDS = ['defect', 'rework'] as const;
export const QUALITY_ISSUE_SEVERITIES = ['low', 'medium', 'high'] as const;
export type QualityIssueKind = (typeof QUALITY_ISSUE_KINDS)[number];
export type QualityIssueSeverity = (typeof QUALITY_ISSUE_SEVERITIES)[number];

@Entity({ name: 'task_quality_issue' })
export class TaskQualityIssue {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'task_id', type: 'uuid' }) taskId: string;
  @Column({ name: 'org_id', type: 'uuid' }) orgId: string;
  @Column({ type: 'text' }) kind: QualityIssueKind;
  @Column({ type: 'text' }) severity: QualityIssueSeverity;
  @Column({ type: 'text' }) description: string;
  @Column({ name: 'recorded_by', type: 'uuid' }) recordedBy: string;
  @CreateDateColumn({ name: 'recorded_at', type: 'timestamptz' }) recordedAt: Date;
}
