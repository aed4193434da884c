import { randomUUID } from 'node:crypto';
import { EventDefinition, parseEvent, Topics } from '@throughline/contracts';
import { Actor, Role } from '@throughline/service-kit';
import {
  apiAs,
  ApiClient,
  ApiResponse,
  CollectedEvent,
  EventCollector,
  startTestService,
  TestService,
  uniqueTag,
} from '@throughline/testing';
import { AppModule } from '../src/app.module';
import { strategyDatabase } from '../src/database/strategy-database';

/** Fails with the response body, so a wrong status says why. */
export function expectStatus<T = any>(response: ApiResponse<T>, status: number): T {
  if (response.status !== status)
    throw new Error(`expected HTTP ${status}, got ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body;
}

export const ifMatch = (version: number | string) => ({ 'if-match': `"${version}"` });

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

/** A strategy service of its own with a collector on both of its topics. */
export async function startStrategy(): Promise<{
  service: TestService;
  collector: EventCollector;
  stop(): Promise<void>;
}> {
  const tag = uniqueTag();
  const service = await startTestService(AppModule, { tag, database: strategyDatabase });
  const collector = await EventCollector.start([`t${tag}.${Topics.Organisation}`, `t${tag}.${Topics.Goals}`]);
  return {
    service,
    collector,
    stop: async () => {
      await collector.stop();
      await service.stop();
    },
  };
}

/**
 * Waits for the event of `definition` about `subject` (and matching `where`, e.g. a version),
 * checks its key, that it parses against its schema, and that it is the only such event.
 */
export async function expectOneEvent(
  collector: EventCollector,
  definition: EventDefinition,
  expected: { subject: string; key: string; where?: (data: any) => boolean },
) {
  const matches = (entry: CollectedEvent) =>
    entry.event.subject === expected.subject && (expected.where ? expected.where(entry.event.data) : true);
  const [message] = await collector.waitForType(definition.type, 1, matches);
  const event = parseEvent(message.raw);
  expect(event.type).toBe(definition.type);
  expect(message.key).toBe(expected.key);
  expect(collector.ofType(definition.type).filter(matches)).toHaveLength(1);
  return event;
}
