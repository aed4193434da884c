import { EntityManager } from 'typeorm';
import { Role, invalid, notFound } from '@throughline/service-kit';
import { Organisation } from './organisation.entity';
import { OrgUnit } from './org-unit.entity';
import { Person } from './person.entity';
import { assertPersonFits } from './directory.rules';

/**
 * Checks of references to the organisation made in request bodies: a missing or wrong
 * reference is a 422 naming the field (the resource in the path is what answers 404).
 */
export async function requireOrganisation(tx: EntityManager, orgId: string): Promise<Organisation> {
  const organisation = await tx.findOne(Organisation, { where: { id: orgId } });
  if (!organisation)
    throw notFound(
      'Organisation',
      orgId,
      `Organisation ${orgId} does not exist yet: an admin creates it first with POST /v1/organisations.`,
    );
  return organisation;
}

export async function requireOrgUnit(
  tx: EntityManager,
  orgId: string,
  orgUnitId: string,
  field: string,
): Promise<OrgUnit> {
  const unit = await tx.findOne(OrgUnit, { where: { id: orgUnitId, orgId } });
  if (!unit)
    throw invalid(`${field} ${orgUnitId} is not an org unit of this organisation.`, [
      { field, message: 'must be an existing org unit (GET /v1/org-units)' },
    ]);
  return unit;
}

export async function requirePerson(
  tx: EntityManager,
  orgId: string,
  personId: string,
  field: string,
  role?: Role,
): Promise<Person> {
  const person = await tx.findOne(Person, { where: { id: personId, orgId } });
  assertPersonFits(person, personId, field, role);
  return person;
}
