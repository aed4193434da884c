import { Column, Entity, Index } from 'typeorm';
import { Role, TenantAggregate } from '@throughline/service-kit';

/**
 * Someone in the organisation: their role, their unit and whom they report to. A dev token's `sub` is their id;
 * an identity provider's login is linked to them by issuer and subject (see PersonIdentityResolver).
 */
@Entity({ name: 'person' })
@Index('person_org_role_idx', ['orgId', 'role'])
export class Person extends TenantAggregate {
  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  email: string;

  @Column({ type: 'text' })
  role: Role;

  @Column({ name: 'org_unit_id', type: 'uuid', nullable: true })
  orgUnitId: string | null;

  @Column({ name: 'reports_to_id', type: 'uuid', nullable: true })
  reportsToId: string | null;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @Column({ name: 'external_issuer', type: 'text', nullable: true })
  externalIssuer: string | null;

  @Column({ name: 'external_subject', type: 'text', nullable: true })
  externalSubject: string | null;
}
