import { Column, Entity, Index } from 'typeorm';
import { TenantAggregate } from '@throughline/service-kit';

/** A node of the organisation's unit tree (company → division → department). */
@Entity({ name: 'org_unit' })
@Index('org_unit_org_parent_idx', ['orgId', 'parentOrgUnitId'])
export class OrgUnit extends TenantAggregate {
  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'parent_org_unit_id', type: 'uuid', nullable: true })
  parentOrgUnitId: string | null;
}
