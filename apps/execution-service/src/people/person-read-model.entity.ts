import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Execution's copy of the people of an organisation: role and reporting line, from organisation events. */
@Entity({ name: 'person_rm' })
export class PersonReadModel {
  @PrimaryColumn({ name: 'person_id', type: 'uuid' })
  personId: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  role: string;

  @Column({ name: 'org_unit_id', type: 'uuid', nullable: true })
  orgUnitId: string | null;

  @Column({ name: 'reports_to_id', type: 'uuid', nullable: true })
  reportsToId: string | null;

  @Column({ type: 'boolean' })
  active: boolean;

  @Column({ name: 'snapshot_version', type: 'integer' })
  snapshotVersion: number;
}
