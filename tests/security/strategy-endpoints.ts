import { randomUUID } from 'node:crypto';
import { Role } from '@throughline/service-kit';
import { ApiClient, expectStatus, ifMatch, TestOrganisation } from '@throughline/testing';

/** One request of the matrix: what to call, with which body and headers. */
export interface EndpointRequest {
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** The expected status per role, in the caller's own organisation and from another one. */
export type Expected = Record<Role, { own: number; other: number }>;

export interface EndpointEntry<F> {
  /** A valid request against the fixture (in the owning organisation); `caller` may be asked for a current ETag. */
  request: (fixture: F, caller: ApiClient) => EndpointRequest | Promise<EndpointRequest>;
  expected: Expected;
}

/** Builds Expected from `[own, other]` pairs in the order director, manager, integrator, admin. */
export const statuses = (
  director: [number, number],
  manager: [number, number],
  integrator: [number, number],
  admin: [number, number],
): Expected => ({
  director: { own: director[0], other: director[1] },
  manager: { own: manager[0], other: manager[1] },
  integrator: { own: integrator[0], other: integrator[1] },
  admin: { own: admin[0], other: admin[1] },
});
/** Everyone reads in their organisation; nobody reads another's. */
const readable = statuses([200, 404], [200, 404], [200, 404], [200, 404]);
/** Lists answer everyone, each with their own organisation's rows only. */
const listable = statuses([200, 200], [200, 200], [200, 200], [200, 200]);
/** A director's change of a goal they direct (or a part of it). */
const directorChanges = (ok: number) => statuses([ok, 404], [403, 404], [403, 404], [403, 404]);
/** Integrators push key-result measurements; everyone else is refused (after the lookup: another organisation's is 404). */
const integratorPushes = (ok: number, other: number) => statuses([403, 404], [403, 404], [ok, other], [403, 404]);
/** The admin's change of the organisation's directory. */
const adminChanges = (ok: number) => statuses([403, 404], [403, 404], [403, 404], [ok, 404]);

/** Everything one organisation holds for the matrix: a goal the manager works on, with a part of each kind. */
export interface StrategyFixture {
  org: TestOrganisation;
  unitId: string;
  personId: string;
  goalId: string;
  deliverableId: string;
  keyResultId: string;
  riskId: string;
}

/** Fresh resources inside `org`, so a successful change in one cell never disturbs another. */
export async function strategyFixture(org: TestOrganisation): Promise<StrategyFixture> {
  const unit = expectStatus(
    await org.admin.post('/v1/org-units', {
      name: `Unit ${randomUUID().slice(0, 8)}`,
      parentOrgUnitId: org.departmentUnitId,
    }),
    201,
  );
  const person = await org.addPerson('manager', { reportsToId: org.director.id });
  const goal = expectStatus(await org.director.api.post('/v1/goals', goalBody(org)), 201);
  const deliverable = expectStatus(
    await org.director.api.post(`/v1/goals/${goal.id}/deliverables`, deliverableBody(org)),
    201,
  );
  const keyResult = expectStatus(await org.director.api.post(`/v1/goals/${goal.id}/key-results`, keyResultBody()), 201);
  const risk = expectStatus(await org.director.api.post(`/v1/goals/${goal.id}/risks`, riskBody(org)), 201);
  return {
    org,
    unitId: unit.id,
    personId: person.id,
    goalId: goal.id,
    deliverableId: deliverable.id,
    keyResultId: keyResult.id,
    riskId: risk.id,
  };
}

export const goalBody = (org: TestOrganisation) => ({
  title: 'Launch the X200',
  ownerId: org.director.id,
  orgUnitId: org.departmentUnitId,
  periodStart: '2026-01-01',
  periodEnd: '2026-12-31',
  budget: { currency: 'EUR', amountMinor: 10_000_000 },
});
const deliverableBody = (org: TestOrganisation) => ({
  title: 'Pilot run',
  managerId: org.managers[0].id,
  dueDate: '2026-06-30',
  budgetMinor: 1_000_000,
});
const keyResultBody = () => ({
  name: 'Cost per unit',
  category: 'operational_efficiency',
  unit: 'EUR',
  baseline: 52,
  target: 40,
  direction: 'decrease',
});
const measurementBody = () => ({ value: 47.5, measuredAt: '2026-02-28T17:00:00Z', source: 'ERP' });
/** Measurements are taken while a goal is active: the fixture's goal is activated for the integrator's push. */
async function activate(f: StrategyFixture): Promise<void> {
  const goal = await f.org.director.api.get(`/v1/goals/${f.goalId}`);
  expectStatus(
    await f.org.director.api.post(`/v1/goals/${f.goalId}/activate`, {}, { 'if-match': goal.headers.get('etag')! }),
    200,
  );
}
const riskBody = (org: TestOrganisation) => ({
  title: 'Supplier late',
  likelihood: 3,
  impact: 4,
  ownerId: org.managers[0].id,
});

/**
 * Every strategy endpoint (as "METHOD /openapi/path"), a valid request for it, and the exact
 * status per role and organisation (docs/security.md). Creating with references of another
 * organisation in the body answers 422 naming the field; ids in the path answer 404.
 */
export const strategyEndpoints: Record<string, EndpointEntry<StrategyFixture>> = {
  'POST /v1/organisations': {
    request: () => ({ path: '/v1/organisations', body: { name: 'Again' } }),
    expected: statuses([403, 403], [403, 403], [403, 403], [409, 409]),
  },
  'GET /v1/organisations/{organisationId}': {
    request: (f) => ({ path: `/v1/organisations/${f.org.orgId}` }),
    expected: readable,
  },
  'POST /v1/org-units': {
    request: (f) => ({ path: '/v1/org-units', body: { name: 'Field sales', parentOrgUnitId: f.org.companyUnitId } }),
    expected: statuses([403, 403], [403, 403], [403, 403], [201, 422]),
  },
  'GET /v1/org-units': { request: () => ({ path: '/v1/org-units' }), expected: listable },
  'GET /v1/org-units/{orgUnitId}': { request: (f) => ({ path: `/v1/org-units/${f.unitId}` }), expected: readable },
  'PATCH /v1/org-units/{orgUnitId}': {
    request: (f) => ({ path: `/v1/org-units/${f.unitId}`, body: { name: 'Renamed' }, headers: ifMatch(1) }),
    expected: adminChanges(200),
  },
  'POST /v1/people': {
    request: (f) => ({
      path: '/v1/people',
      body: {
        name: 'New hire',
        email: `hire.${randomUUID().slice(0, 8)}@example.com`,
        role: 'manager',
        orgUnitId: f.org.departmentUnitId,
      },
    }),
    expected: statuses([403, 403], [403, 403], [403, 403], [201, 422]),
  },
  'GET /v1/people': { request: () => ({ path: '/v1/people' }), expected: listable },
  // Who am I: every person gets their own record, wherever they are; the admin of the matrix is no person.
  'GET /v1/people/me': {
    request: () => ({ path: '/v1/people/me' }),
    expected: statuses([200, 200], [200, 200], [200, 200], [404, 404]),
  },
  'GET /v1/people/{personId}': { request: (f) => ({ path: `/v1/people/${f.personId}` }), expected: readable },
  'PATCH /v1/people/{personId}': {
    request: (f) => ({ path: `/v1/people/${f.personId}`, body: { name: 'Renamed' }, headers: ifMatch(1) }),
    expected: adminChanges(200),
  },
  'POST /v1/goals': {
    request: (f) => ({ path: '/v1/goals', body: goalBody(f.org) }),
    expected: statuses([201, 422], [403, 403], [403, 403], [403, 403]),
  },
  'GET /v1/goals': { request: () => ({ path: '/v1/goals' }), expected: listable },
  'GET /v1/goals/{goalId}': { request: (f) => ({ path: `/v1/goals/${f.goalId}` }), expected: readable },
  'PATCH /v1/goals/{goalId}': {
    request: (f) => ({ path: `/v1/goals/${f.goalId}`, body: { title: 'Launch the X300' }, headers: ifMatch(1) }),
    expected: directorChanges(200),
  },
  'POST /v1/goals/{goalId}/activate': {
    request: (f) => ({ path: `/v1/goals/${f.goalId}/activate`, body: {}, headers: ifMatch(1) }),
    expected: directorChanges(200),
  },
  'POST /v1/goals/{goalId}/close': {
    request: (f) => ({
      path: `/v1/goals/${f.goalId}/close`,
      body: { outcome: 'abandoned', reason: 'Market changed' },
      headers: ifMatch(1),
    }),
    expected: directorChanges(200),
  },
  'GET /v1/goals/{goalId}/contributions': {
    request: (f) => ({ path: `/v1/goals/${f.goalId}/contributions` }),
    expected: readable,
  },
  'PUT /v1/goals/{goalId}/contributions': {
    request: (f) => ({
      path: `/v1/goals/${f.goalId}/contributions`,
      body: { contributesTo: [], supports: [] },
      headers: ifMatch(1),
    }),
    expected: directorChanges(200),
  },
  'GET /v1/goals/{goalId}/budget': { request: (f) => ({ path: `/v1/goals/${f.goalId}/budget` }), expected: readable },
  'PUT /v1/goals/{goalId}/budget': {
    request: (f) => ({
      path: `/v1/goals/${f.goalId}/budget`,
      body: {
        totalMinor: 12_000_000,
        allocations: [{ managerId: f.org.managers[0].id, amountMinor: 5_000_000 }],
        reason: 'Tooling',
      },
      headers: ifMatch(1),
    }),
    expected: directorChanges(200),
  },
  'GET /v1/goals/{goalId}/budget/revisions': {
    request: (f) => ({ path: `/v1/goals/${f.goalId}/budget/revisions` }),
    expected: readable,
  },
  'POST /v1/goals/{goalId}/deliverables': {
    request: (f) => ({ path: `/v1/goals/${f.goalId}/deliverables`, body: deliverableBody(f.org) }),
    expected: directorChanges(201),
  },
  'GET /v1/goals/{goalId}/deliverables': {
    request: (f) => ({ path: `/v1/goals/${f.goalId}/deliverables` }),
    expected: readable,
  },
  'GET /v1/goals/{goalId}/deliverables/{deliverableId}': {
    request: (f) => ({ path: `/v1/goals/${f.goalId}/deliverables/${f.deliverableId}` }),
    expected: readable,
  },
  'PATCH /v1/goals/{goalId}/deliverables/{deliverableId}': {
    request: (f) => ({
      path: `/v1/goals/${f.goalId}/deliverables/${f.deliverableId}`,
      body: { title: 'Pilot run, 500 units' },
      headers: ifMatch(1),
    }),
    expected: directorChanges(200),
  },
  'DELETE /v1/goals/{goalId}/deliverables/{deliverableId}': {
    request: (f) => ({
      path: `/v1/goals/${f.goalId}/deliverables/${f.deliverableId}?reason=Dropped`,
      headers: ifMatch(1),
    }),
    expected: directorChanges(204),
  },
  'POST /v1/goals/{goalId}/key-results': {
    request: (f) => ({ path: `/v1/goals/${f.goalId}/key-results`, body: keyResultBody() }),
    expected: directorChanges(201),
  },
  'GET /v1/goals/{goalId}/key-results': {
    request: (f) => ({ path: `/v1/goals/${f.goalId}/key-results` }),
    expected: readable,
  },
  'GET /v1/goals/{goalId}/key-results/{keyResultId}': {
    request: (f) => ({ path: `/v1/goals/${f.goalId}/key-results/${f.keyResultId}` }),
    expected: readable,
  },
  'PATCH /v1/goals/{goalId}/key-results/{keyResultId}': {
    request: (f) => ({
      path: `/v1/goals/${f.goalId}/key-results/${f.keyResultId}`,
      body: { target: 38 },
      headers: ifMatch(1),
    }),
    expected: directorChanges(200),
  },
  'DELETE /v1/goals/{goalId}/key-results/{keyResultId}': {
    request: (f) => ({ path: `/v1/goals/${f.goalId}/key-results/${f.keyResultId}`, headers: ifMatch(1) }),
    expected: directorChanges(204),
  },
  'POST /v1/goals/{goalId}/key-results/{keyResultId}/measurements': {
    request: async (f, caller) => {
      if (caller === f.org.integrator.api) await activate(f);
      return {
        path: `/v1/goals/${f.goalId}/key-results/${f.keyResultId}/measurements`,
        body: measurementBody(),
      };
    },
    expected: integratorPushes(201, 404),
  },
  'GET /v1/goals/{goalId}/key-results/{keyResultId}/measurements': {
    request: (f) => ({ path: `/v1/goals/${f.goalId}/key-results/${f.keyResultId}/measurements` }),
    expected: readable,
  },
  'POST /v1/key-result-measurements': {
    // The other organisation's integrator names a key result it does not have: its row is refused (422).
    request: async (f, caller) => {
      if (caller === f.org.integrator.api) await activate(f);
      return {
        path: '/v1/key-result-measurements',
        body: JSON.stringify({ keyResultId: f.keyResultId, ...measurementBody() }) + '\n',
        headers: { 'content-type': 'application/x-ndjson' },
      };
    },
    expected: statuses([403, 403], [403, 403], [200, 422], [403, 403]),
  },
  'POST /v1/goals/{goalId}/risks': {
    request: (f) => ({ path: `/v1/goals/${f.goalId}/risks`, body: riskBody(f.org) }),
    expected: directorChanges(201),
  },
  'GET /v1/goals/{goalId}/risks': { request: (f) => ({ path: `/v1/goals/${f.goalId}/risks` }), expected: readable },
  'GET /v1/goals/{goalId}/risks/{riskId}': {
    request: (f) => ({ path: `/v1/goals/${f.goalId}/risks/${f.riskId}` }),
    expected: readable,
  },
  'PATCH /v1/goals/{goalId}/risks/{riskId}': {
    request: (f) => ({ path: `/v1/goals/${f.goalId}/risks/${f.riskId}`, body: { likelihood: 2 }, headers: ifMatch(1) }),
    expected: directorChanges(200),
  },
  'GET /v1/plan/template': { request: () => ({ path: '/v1/plan/template?format=xlsx' }), expected: listable },
  'GET /v1/plan/export': { request: () => ({ path: '/v1/plan/export?format=csv' }), expected: listable },
  'POST /v1/plan/imports': {
    // A goal owned by the fixture organisation's director: the other organisation has no such person (422).
    request: async (f) => {
      const director = expectStatus(await f.org.admin.get(`/v1/people/${f.org.director.id}`), 200);
      const unit = expectStatus(await f.org.admin.get(`/v1/org-units/${f.org.companyUnitId}`), 200);
      const csv = [
        'kind,goal_ref,parent_goal_ref,title,description,status,owner_email,org_unit,period_start,period_end,weight,currency,amount,category,unit,baseline,target,direction,manager_email,due_date',
        `goal,g1,,Imported ${randomUUID()},,draft,${director.email},${unit.name},2026-01-01,2026-06-30,,EUR,1000,,,,,,,`,
      ].join('\r\n');
      return { path: '/v1/plan/imports', body: csv, headers: { 'content-type': 'text/csv' } };
    },
    expected: statuses([201, 422], [403, 403], [403, 403], [403, 403]),
  },
  'GET /v1/audit': {
    request: () => ({ path: '/v1/audit' }),
    expected: statuses([200, 200], [403, 403], [403, 403], [200, 200]),
  },
};

/** The person of `org` acting in `role`: its director, first manager (who works on the fixture's goal), integrator or admin. */
export function clientFor(org: TestOrganisation, role: Role): ApiClient {
  return { director: org.director.api, manager: org.managers[0].api, integrator: org.integrator.api, admin: org.admin }[
    role
  ];
}

/** Sends a request with the method of its matrix key. */
export function send(client: ApiClient, endpoint: string, request: EndpointRequest) {
  const method = endpoint.split(' ')[0];
  switch (method) {
    case 'GET':
      return client.get(request.path, request.headers);
    case 'DELETE':
      return client.delete(request.path, request.headers);
    case 'POST':
      return client.post(request.path, request.body, request.headers);
    case 'PATCH':
      return client.patch(request.path, request.body, request.headers);
    case 'PUT':
      return client.put(request.path, request.body, request.headers);
    default:
      throw new Error(`no client method for ${method}`);
  }
}

/** "METHOD /path" of every operation in a service's OpenAPI document, health, metrics and docs aside. */
export async function documentedEndpoints(url: string): Promise<string[]> {
  const response = await fetch(`${url}/docs/openapi.json`);
  const document = (await response.json()) as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(document.paths)
    .filter(([path]) => path.startsWith('/v1/'))
    .flatMap(([path, operations]) =>
      Object.keys(operations)
        .filter((method) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map((method) => `${method.toUpperCase()} ${path}`),
    )
    .sort();
}
