import { randomUUID } from 'node:crypto';
import { Actor, mintDevToken } from '@throughline/service-kit';
import { DEMO_ORGANISATION, DEMO_PEOPLE, DEMO_UNITS, DemoUnit } from './demo-organisation';

export interface DemoTargets {
  strategyUrl: string;
}

interface Call {
  (
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any }>;
}

/** A JSON client for one actor with a development token (the loader runs where development tokens are on). */
async function as(baseUrl: string, actor: Actor): Promise<Call> {
  const token = await mintDevToken(actor);
  return async (method, path, body, headers = {}) => {
    const response = await fetch(baseUrl + path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
}

function ok(response: { status: number; body: any }, what: string, ...statuses: number[]): any {
  if (!statuses.includes(response.status))
    throw new Error(`Loading the demo: ${what} answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body;
}

/**
 * Loads the demo organisation through the public APIs, step by step, each step skipped when
 * already done (found by id or by name): running it again changes nothing.
 */
export async function loadDemoOrganisation(targets: DemoTargets): Promise<{ created: boolean }> {
  const orgId = DEMO_ORGANISATION.id;
  const admin = await as(targets.strategyUrl, { personId: randomUUID(), orgId, role: 'admin' });
  const organisation = await admin('POST', '/v1/organisations', { name: DEMO_ORGANISATION.name });
  ok(organisation, 'creating the organisation', 201, 409);

  const existing = ok(await admin('GET', '/v1/org-units?limit=100'), 'listing units', 200).items as Array<{
    id: string;
    name: string;
  }>;
  const unitIds = {} as Record<DemoUnit, string>;
  for (const [key, unit] of Object.entries(DEMO_UNITS) as Array<[DemoUnit, (typeof DEMO_UNITS)[DemoUnit]]>) {
    const found = existing.find((candidate) => candidate.name === unit.name);
    unitIds[key] =
      found?.id ??
      ok(
        await admin('POST', '/v1/org-units', {
          name: unit.name,
          ...(unit.parent ? { parentOrgUnitId: unitIds[unit.parent] } : {}),
        }),
        `creating the unit ${unit.name}`,
        201,
      ).id;
  }
  for (const person of DEMO_PEOPLE) {
    const reportsTo = person.reportsTo ? DEMO_PEOPLE.find((other) => other.key === person.reportsTo)!.id : undefined;
    const response = await admin('POST', '/v1/people', {
      id: person.id,
      name: person.name,
      email: person.email,
      role: person.role,
      orgUnitId: unitIds[person.unit],
      ...(reportsTo ? { reportsToId: reportsTo } : {}),
    });
    ok(response, `adding ${person.name}`, 201, 409);
  }
  return { created: organisation.status === 201 };
}
