import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import { KeyResultDirection, KpiCategory } from './key-result-rules';

/** A KPI target of a goal: where a measure starts (baseline) and where it should end (target). */
@Entity({ name: 'key_result' })
@Index('key_result_goal_idx', ['goalId'])
export class KeyResult {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ name: 'goal_id', type: 'uuid' })
  goalId: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  category: KpiCategory;

  @Column({ type: 'text' })
  unit: string;

  @Column({ type: 'double precision' })
  baseline: number;

  @Column({ type: 'double precision' })
  target: number;

  @Column({ type: 'text' })
  direction: KeyResultDirection;

  @Column({ type: 'double precision', default: 1 })
  weight: number;

  @VersionColumn()
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
