import { Column, Entity, Index } from 'typeorm';
import { TenantAggregate } from '@throughline/service-kit';
import { KeyResultDirection, KpiCategory } from './key-result.rules';

/** A KPI target of a goal: where a measure starts (baseline) and where it should end (target). */
@Entity({ name: 'key_result' })
@Index('key_result_goal_idx', ['goalId'])
export class KeyResult extends TenantAggregate {
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
}
