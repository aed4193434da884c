import { Column, Entity, Index } from 'typeorm';
import { TenantAggregate } from '@throughline/service-kit';
import { RiskStatus } from './risk-lifecycle';

@Entity({ name: 'risk' })
@Index('risk_goal_idx', ['goalId'])
export class Risk extends TenantAggregate {
  @Column({ name: 'goal_id', type: 'uuid' })
  goalId: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'smallint' })
  likelihood: number;

  @Column({ type: 'smallint' })
  impact: number;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @Column({ type: 'text', nullable: true })
  mitigation: string | null;

  @Column({ type: 'text', default: 'open' })
  status: RiskStatus;
}
