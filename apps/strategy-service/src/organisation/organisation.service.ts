import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, FindOptionsWhere, Not } from 'typeorm';
import {
  OrganisationCreatedV1,
  OrgUnitCreatedV1,
  OrgUnitUpdatedV1,
  PersonCreatedV1,
  PersonUpdatedV1,
} from '@throughline/contracts';
import { EventOutbox } from '@throughline/messaging';
import { Actor, notFound, page, Page, conflict, assertVersion, actedBy } from '@throughline/service-kit';
import { ancestorChain, lockHierarchy } from '../shared/ancestors';
import { changedFields, hasChanges } from '../shared/changes';
import { assertNoCycle } from '../shared/hierarchy';
import { lockForChange } from '../shared/locking';
import { requireOrganisation, requireOrgUnit, requirePerson } from './directory';
import {
  CreateOrganisationDto,
  CreateOrgUnitDto,
  CreatePersonDto,
  OrganisationView,
  OrgUnitListQueryDto,
  OrgUnitView,
  PersonListQueryDto,
  PersonMeView,
  PersonView,
  UpdateOrgUnitDto,
  UpdatePersonDto,
} from './dto/organisation.dto';
import { Organisation } from './organisation.entity';
import { OrgUnit } from './org-unit.entity';
import { Person } from './person.entity';
import { AccessPolicy } from '../access/access-policy';

const UNIQUE_VIOLATION = '23505';

@Injectable()
export class OrganisationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: EventOutbox,
    private readonly access: AccessPolicy,
  ) {}

  async createOrganisation(
    actor: Actor,
    input: CreateOrganisationDto,
    correlationId: string,
  ): Promise<OrganisationView> {
    this.access.assertRole(actor, ['admin'], 'create the organisation');
    return this.dataSource.transaction(async (tx) => {
      // Serialised per id, so a repeated bootstrap gets a clear 409 rather than a unique violation.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`throughline:organisation:${actor.orgId}`]);
      if (await tx.findOne(Organisation, { where: { id: actor.orgId } })) {
        throw conflict(
          `Organisation ${actor.orgId} already exists; to start another, mint an admin token for a new organisation id.`,
        );
      }
      const organisation = await tx.save(tx.create(Organisation, { id: actor.orgId, name: input.name }));
      await this.outbox.publish(
        tx,
        OrganisationCreatedV1,
        { organisationId: organisation.id, name: organisation.name, createdAt: organisation.createdAt.toISOString() },
        actedBy(actor, correlationId),
      );
      return organisationView(organisation);
    });
  }

  async getOrganisation(actor: Actor, organisationId: string): Promise<OrganisationView> {
    const organisation =
      organisationId === actor.orgId
        ? await this.dataSource.manager.findOne(Organisation, { where: { id: organisationId } })
        : null;
    if (!organisation) throw notFound('Organisation', organisationId);
    return organisationView(organisation);
  }

  async createOrgUnit(actor: Actor, input: CreateOrgUnitDto, correlationId: string): Promise<OrgUnitView> {
    this.access.assertRole(actor, ['admin'], 'manage org units');
    return this.dataSource.transaction(async (tx) => {
      await requireOrganisation(tx, actor.orgId);
      if (input.parentOrgUnitId) await requireOrgUnit(tx, actor.orgId, input.parentOrgUnitId, 'parentOrgUnitId');
      const unit = await tx.save(
        tx.create(OrgUnit, { orgId: actor.orgId, name: input.name, parentOrgUnitId: input.parentOrgUnitId ?? null }),
      );
      await this.outbox.publish(tx, OrgUnitCreatedV1, orgUnitSnapshot(unit), actedBy(actor, correlationId));
      return orgUnitView(unit);
    });
  }

  async updateOrgUnit(
    actor: Actor,
    orgUnitId: string,
    input: UpdateOrgUnitDto,
    expectedVersion: number,
    correlationId: string,
  ): Promise<OrgUnitView> {
    return this.dataSource.transaction(async (tx) => {
      await lockHierarchy(tx, 'orgUnit', actor.orgId);
      const unit = await lockForChange(tx, OrgUnit, 'Org unit', orgUnitId, { id: orgUnitId, orgId: actor.orgId });
      this.access.assertRole(actor, ['admin'], 'manage org units');
      assertVersion(`Org unit ${unit.id}`, unit.version, expectedVersion);
      const changes = changedFields(unit, input);
      if (!hasChanges(changes)) return orgUnitView(unit);
      if (changes.parentOrgUnitId) {
        await requireOrgUnit(tx, actor.orgId, changes.parentOrgUnitId, 'parentOrgUnitId');
        assertNoCycle(
          'org unit',
          'parentOrgUnitId',
          unit.id,
          changes.parentOrgUnitId,
          await ancestorChain(tx, 'orgUnit', actor.orgId, changes.parentOrgUnitId),
        );
      }
      Object.assign(unit, changes);
      await tx.save(unit);
      await this.outbox.publish(tx, OrgUnitUpdatedV1, orgUnitSnapshot(unit), actedBy(actor, correlationId));
      return orgUnitView(unit);
    });
  }

  async getOrgUnit(actor: Actor, orgUnitId: string): Promise<OrgUnitView> {
    const unit = await this.dataSource.manager.findOne(OrgUnit, { where: { id: orgUnitId, orgId: actor.orgId } });
    if (!unit) throw notFound('Org unit', orgUnitId);
    return orgUnitView(unit);
  }

  async listOrgUnits(actor: Actor, query: OrgUnitListQueryDto): Promise<Page<OrgUnitView>> {
    const where: FindOptionsWhere<OrgUnit> = { orgId: actor.orgId };
    if (query.parentOrgUnitId) where.parentOrgUnitId = query.parentOrgUnitId;
    const [units, total] = await this.dataSource.manager.findAndCount(OrgUnit, {
      where,
      order: { createdAt: 'ASC', id: 'ASC' },
      skip: query.offset,
      take: query.limit,
    });
    return page(units.map(orgUnitView), total, query);
  }

  async createPerson(actor: Actor, input: CreatePersonDto, correlationId: string): Promise<PersonView> {
    this.access.assertRole(actor, ['admin'], 'manage people');
    return this.withUniqueEmail(input.email, async (tx) => {
      await requireOrganisation(tx, actor.orgId);
      if (input.id && (await tx.findOne(Person, { where: { id: input.id } })))
        throw conflict(`A person with id ${input.id} already exists.`);
      if (input.orgUnitId) await requireOrgUnit(tx, actor.orgId, input.orgUnitId, 'orgUnitId');
      if (input.reportsToId) await requirePerson(tx, actor.orgId, input.reportsToId, 'reportsToId');
      const person = await tx.save(
        tx.create(Person, {
          ...(input.id ? { id: input.id } : {}),
          orgId: actor.orgId,
          name: input.name,
          email: input.email,
          role: input.role,
          orgUnitId: input.orgUnitId ?? null,
          reportsToId: input.reportsToId ?? null,
          active: true,
        }),
      );
      await this.outbox.publish(tx, PersonCreatedV1, personSnapshot(person), actedBy(actor, correlationId));
      return personView(person);
    });
  }

  async updatePerson(
    actor: Actor,
    personId: string,
    input: UpdatePersonDto,
    expectedVersion: number,
    correlationId: string,
  ): Promise<PersonView> {
    return this.withUniqueEmail(input.email, async (tx) => {
      await lockHierarchy(tx, 'reportingLine', actor.orgId);
      const person = await lockForChange(tx, Person, 'Person', personId, { id: personId, orgId: actor.orgId });
      this.access.assertRole(actor, ['admin'], 'manage people');
      assertVersion(`Person ${person.id}`, person.version, expectedVersion);
      const changes = changedFields(person, input);
      if (!hasChanges(changes)) return personView(person);
      if (changes.orgUnitId) await requireOrgUnit(tx, actor.orgId, changes.orgUnitId, 'orgUnitId');
      if (changes.reportsToId) {
        await requirePerson(tx, actor.orgId, changes.reportsToId, 'reportsToId');
        assertNoCycle(
          'person',
          'reportsToId',
          person.id,
          changes.reportsToId,
          await ancestorChain(tx, 'reportingLine', actor.orgId, changes.reportsToId),
        );
      }
      if (changes.active === false) await this.assertNoActiveReports(tx, person);
      if (changes.active === false || changes.role)
        await this.assertNoOpenWork(
          tx,
          person,
          changes.active === false ? 'be deactivated' : `become a ${changes.role}`,
        );
      Object.assign(person, changes);
      await tx.save(person);
      await this.outbox.publish(tx, PersonUpdatedV1, personSnapshot(person), actedBy(actor, correlationId));
      return personView(person);
    });
  }

  async getPerson(actor: Actor, personId: string): Promise<PersonView> {
    const person = await this.dataSource.manager.findOne(Person, { where: { id: personId, orgId: actor.orgId } });
    if (!person) throw notFound('Person', personId);
    return personView(person);
  }

  /** Who the caller is: their person record, organisation and unit (the dashboard's session, the other services' identity lookup). */
  async me(actor: Actor): Promise<PersonMeView> {
    const person = await this.dataSource.manager.findOne(Person, { where: { id: actor.personId, orgId: actor.orgId } });
    if (!person) throw notFound('Person', actor.personId);
    const organisation = await requireOrganisation(this.dataSource.manager, actor.orgId);
    const unit = person.orgUnitId
      ? await this.dataSource.manager.findOne(OrgUnit, { where: { id: person.orgUnitId, orgId: actor.orgId } })
      : null;
    return {
      person: personView(person),
      organisation: { id: organisation.id, name: organisation.name },
      orgUnit: unit && { id: unit.id, name: unit.name },
    };
  }

  async listPeople(actor: Actor, query: PersonListQueryDto): Promise<Page<PersonView>> {
    const where: FindOptionsWhere<Person> = { orgId: actor.orgId };
    if (query.role) where.role = query.role;
    if (query.orgUnitId) where.orgUnitId = query.orgUnitId;
    if (query.reportsToId) where.reportsToId = query.reportsToId;
    if (query.active !== undefined) where.active = query.active;
    const [people, total] = await this.dataSource.manager.findAndCount(Person, {
      where,
      order: { createdAt: 'ASC', id: 'ASC' },
      skip: query.offset,
      take: query.limit,
    });
    return page(people.map(personView), total, query);
  }

  /** Someone who leaves must not leave people reporting to no one by accident: move their reports first. */
  private async assertNoActiveReports(tx: EntityManager, person: Person): Promise<void> {
    const reports = await tx.count(Person, {
      where: { orgId: person.orgId, reportsToId: person.id, active: true, id: Not(person.id) },
    });
    if (reports > 0)
      throw conflict(`${person.name} still has ${reports} active direct report(s): give them a new reportsToId first.`);
  }

  /**
   * Goals need a director as owner and deliverables a manager: hand the open ones over before the
   * role goes. Read from the goal tables directly, so the directory does not depend on the goal
   * aggregate's code (the goal aggregate depends on the directory).
   */
  private async assertNoOpenWork(tx: EntityManager, person: Person, change: string): Promise<void> {
    const count = async (sql: string) => Number((await tx.query(sql, [person.orgId, person.id]))[0].count);
    if (person.role === 'director') {
      const goals = await count(
        `SELECT count(*) FROM goal WHERE org_id = $1 AND owner_id = $2 AND status IN ('draft', 'active')`,
      );
      if (goals > 0)
        throw conflict(
          `${person.name} owns ${goals} open goal(s) and cannot ${change}: give the goals another owner first.`,
        );
    }
    if (person.role === 'manager') {
      const deliverables = await count(
        `SELECT count(*) FROM deliverable d JOIN goal g ON g.id = d.goal_id
          WHERE d.org_id = $1 AND d.manager_id = $2 AND d.removed_at IS NULL AND g.status IN ('draft', 'active')`,
      );
      if (deliverables > 0)
        throw conflict(
          `${person.name} manages ${deliverables} open deliverable(s) and cannot ${change}: hand them to another manager first.`,
        );
    }
  }

  /** Runs a change and turns a duplicate e-mail into a 409 that names the field. */
  private async withUniqueEmail<T>(email: string | undefined, change: (tx: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.dataSource.transaction(change);
    } catch (error) {
      const { code, constraint } = error as { code?: string; constraint?: string };
      if (code === UNIQUE_VIOLATION && constraint === 'person_org_email_uq') {
        throw conflict(`Another person of this organisation already has the e-mail ${email}.`, [
          { field: 'email', message: 'must be unique within the organisation' },
        ]);
      }
      // Two requests creating the same explicit id at once: the loser gets what a later request would.
      if (code === UNIQUE_VIOLATION && constraint === 'person_pkey')
        throw conflict('A person with this id already exists.', [{ field: 'id', message: 'must be a new id' }]);
      throw error;
    }
  }
}

export function orgUnitSnapshot(unit: OrgUnit) {
  return { orgUnitId: unit.id, name: unit.name, parentOrgUnitId: unit.parentOrgUnitId, version: unit.version };
}

export function personSnapshot(person: Person) {
  return {
    personId: person.id,
    name: person.name,
    email: person.email,
    role: person.role,
    orgUnitId: person.orgUnitId,
    reportsToId: person.reportsToId,
    active: person.active,
    version: person.version,
  };
}

function organisationView(organisation: Organisation): OrganisationView {
  return {
    id: organisation.id,
    name: organisation.name,
    createdAt: organisation.createdAt.toISOString(),
    version: organisation.version,
  };
}

function orgUnitView(unit: OrgUnit): OrgUnitView {
  return { id: unit.id, name: unit.name, parentOrgUnitId: unit.parentOrgUnitId, version: unit.version };
}

function personView(person: Person): PersonView {
  return {
    id: person.id,
    name: person.name,
    email: person.email,
    role: person.role,
    orgUnitId: person.orgUnitId,
    reportsToId: person.reportsToId,
    active: person.active,
    version: person.version,
  };
}
