import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from 'typeorm';

/** A node of the organisation's unit tree (company → division → department). */
@Entity({ name: 'org_unit' })
@Index('org_unit_org_parent_idx', ['orgId', 'parentOrgUnitId'])
export class OrgUnit {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'parent_org_unit_id', type: 'uuid', nullable: true })
  parentOrgUnitId: string | null;

  @VersionColumn()
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
