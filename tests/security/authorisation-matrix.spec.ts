import { ROLES } from '@throughline/service-kit';
import { apiAs, startTestService, TestService, uniqueTag } from '@throughline/testing';
import { AppModule } from '../../apps/strategy-service/src/app.module';
import { strategyDatabase } from '../../apps/strategy-service/src/database/strategy-database';
import { expectStatus, ifMatch, setUpOrganisation, TestOrganisation } from '../../apps/strategy-service/test/strategy-fixture';
import { clientFor, documentedEndpoints, goalBody, send, StrategyFixture, strategyEndpoints, strategyFixture } from './strategy-endpoints';

const SIDES = ['own', 'other'] as const;

/**
 * Every endpoint × role × (own organisation, other organisation) with its exact status
 * (docs/security.md). The endpoints come from the service's OpenAPI document, so a new
 * endpoint without a matrix entry fails here.
 */
describe('authorisation matrix: strategy service', () => {
  let service: TestService;
  let acme: TestOrganisation;
  let initech: TestOrganisation;
  let shared: StrategyFixture;

  beforeAll(async () => {
    service = await startTestService(AppModule, { tag: uniqueTag(), database: strategyDatabase });
    acme = await setUpOrganisation(service.url, 'Acme Devices');
    initech = await setUpOrganisation(service.url, 'Initech');
    shared = await strategyFixture(acme);
  });
  afterAll(async () => service?.stop());

  it('has an entry for every documented endpoint, and documents every entry', async () => {
    expect(Object.keys(strategyEndpoints).sort()).toEqual(await documentedEndpoints(service.url));
  });

  it('answers every cell with its exact status, problem+json for refusals, and nothing of the other organisation', async () => {
    const actual: Record<string, number> = {};
    const expected: Record<string, number> = {};
    const problems: string[] = [];
    for (const [endpoint, entry] of Object.entries(strategyEndpoints)) {
      for (const role of ROLES) {
        for (const side of SIDES) {
          const want = entry.expected[role][side];
          // A change that should succeed gets resources of its own, so it never disturbs another cell.
          const fixture = want < 300 && !endpoint.startsWith('GET ') ? await strategyFixture(acme) : shared;
          const caller = side === 'own' ? acme : initech;
          const response = await send(clientFor(caller, role), endpoint, entry.request(fixture));
          const cell = `${endpoint} as ${role} of the ${side} organisation`;
          actual[cell] = response.status;
          expected[cell] = want;
          if (response.status >= 400 && !response.headers.get('content-type')?.includes('application/problem+json')) problems.push(`${cell}: not problem+json`);
          if (side === 'other' && response.status < 300) {
            const body = JSON.stringify(response.body ?? '');
            const leaked = [acme.orgId, fixture.goalId, fixture.unitId, fixture.personId, acme.director.id, acme.companyUnitId].filter((id) => body.includes(id));
            if (leaked.length) problems.push(`${cell}: answered with ${leaked.join(', ')} of the other organisation`);
          }
        }
      }
    }
    expect(actual).toEqual(expected);
    expect(problems).toEqual([]);
    expect(Object.keys(actual)).toHaveLength(Object.keys(strategyEndpoints).length * ROLES.length * SIDES.length);
  });

  it('follows reporting lines: a director directs their units and below, sees those above and their people\'s work; a manager sees only the goals they work on', async () => {
    // company (top director) ─┬─ department: Dana, director, with Max reporting to her
    //                         └─ sales: Sam, director
    const sales = expectStatus(await acme.admin.post('/v1/org-units', { name: 'Sales', parentOrgUnitId: acme.companyUnitId }), 201);
    const dana = await acme.addPerson('director', { orgUnitId: acme.departmentUnitId, reportsToId: acme.director.id });
    const sam = await acme.addPerson('director', { orgUnitId: sales.id, reportsToId: acme.director.id });
    const max = await acme.addPerson('manager', { reportsToId: dana.id });
    const departmentGoal = shared.goalId;
    const companyGoal = expectStatus(await acme.director.api.post('/v1/goals', { ...goalBody(acme), orgUnitId: acme.companyUnitId }), 201);
    const salesGoal = expectStatus(await sam.api.post('/v1/goals', { ...goalBody(acme), ownerId: sam.id, orgUnitId: sales.id }), 201);
    expectStatus(await sam.api.post(`/v1/goals/${salesGoal.id}/deliverables`, { title: 'Demo kit', managerId: max.id, dueDate: '2026-05-31', budgetMinor: 100_000 }), 201);
    const listed = async (client: typeof dana.api) => expectStatus(await client.get('/v1/goals?limit=100'), 200).items.map((goal: { id: string }) => goal.id).sort();

    // Dana: her unit (change), the company above her (read), sales where her report works (read).
    expect((await dana.api.patch(`/v1/goals/${departmentGoal}`, { weight: 2 }, ifMatch(1))).status).toBe(200);
    expect((await dana.api.get(`/v1/goals/${companyGoal.id}`)).status).toBe(200);
    expect((await dana.api.patch(`/v1/goals/${companyGoal.id}`, { weight: 2 }, ifMatch(1))).status).toBe(403);
    expect((await dana.api.get(`/v1/goals/${salesGoal.id}`)).status).toBe(200);
    expect((await dana.api.post(`/v1/goals/${salesGoal.id}/risks`, { title: 'Late', likelihood: 2, impact: 2, ownerId: max.id })).status).toBe(403);
    expect((await dana.api.post('/v1/goals', { ...goalBody(acme), ownerId: dana.id, orgUnitId: sales.id })).status).toBe(403);
    expect(await listed(dana.api)).toEqual(expect.arrayContaining([departmentGoal, companyGoal.id, salesGoal.id].sort()));

    // Sam: the department's goal is not his to see, in a list or by id.
    expect((await sam.api.get(`/v1/goals/${departmentGoal}`)).status).toBe(404);
    expect((await sam.api.patch(`/v1/goals/${departmentGoal}`, { weight: 3 }, ifMatch(2))).status).toBe(404);
    expect(await listed(sam.api)).not.toContain(departmentGoal);
    expect(await listed(sam.api)).toEqual(expect.arrayContaining([companyGoal.id, salesGoal.id]));

    // The top director directs every unit below the company.
    expect((await acme.director.api.patch(`/v1/goals/${salesGoal.id}`, { weight: 3 }, ifMatch(1))).status).toBe(200);

    // Managers: Max sees the sales goal he has a deliverable on, and nothing else.
    expect(await listed(max.api)).toEqual([salesGoal.id]);
    expect((await max.api.get(`/v1/goals/${companyGoal.id}`)).status).toBe(404);
    expect((await max.api.get(`/v1/goals/${salesGoal.id}/budget`)).status).toBe(200);
  });
});
