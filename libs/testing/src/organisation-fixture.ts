import { randomUUID } from 'node:crypto';
import { Actor, Role } from '@throughline/service-kit';
import { apiAs, ApiClient, expectStatus } from './api-client';

export interface PersonHandle {
  id: string;
  api: ApiClient;
}

/** An organisation bootstrapped through the API: an admin, a company unit with a department, a director and two managers. */
export interface TestOrganisation {
  orgId: string;
  admin: ApiClient;
  companyUnitId: string;
  departmentUnitId: string;
  director: PersonHandle;
  managers: [PersonHandle, PersonHandle];
  integrator: PersonHandle;
  addPerson(role: Role, fields?: Record<string, unknown>): Promise<PersonHandle>;
}

/** Sets the organisation up through the strategy service at `url`. */
export async function setUpOrganisation(url: string, name = 'Acme Devices'): Promise<TestOrganisation> {
  const orgId = randomUUID();
  const admin = await apiAs(url, { personId: randomUUID(), orgId, role: 'admin' });
  expectStatus(await admin.post('/v1/organisations', { name }), 201);
  const company = expectStatus(await admin.post('/v1/org-units', { name }), 201);
  const department = expectStatus(
    await admin.post('/v1/org-units', { name: 'Product engineering', parentOrgUnitId: company.id }),
    201,
  );
  const addPerson = async (role: Role, fields: Record<string, unknown> = {}): Promise<PersonHandle> => {
    const tag = randomUUID().slice(0, 8);
    const person = expectStatus(
      await admin.post('/v1/people', {
        name: `${role} ${tag}`,
        email: `${role}.${tag}@example.com`,
        role,
        orgUnitId: department.id,
        ...fields,
      }),
      201,
    );
    const actor: Actor = { personId: person.id, orgId, role };
    return { id: person.id, api: await apiAs(url, actor) };
  };
  const director = await addPerson('director', { orgUnitId: company.id });
  const managers: [PersonHandle, PersonHandle] = [
    await addPerson('manager', { reportsToId: director.id }),
    await addPerson('manager', { reportsToId: director.id }),
  ];
  const integrator = await addPerson('integrator');
  return {
    orgId,
    admin,
    companyUnitId: company.id,
    departmentUnitId: department.id,
    director,
    managers,
    integrator,
    addPerson,
  };
}
