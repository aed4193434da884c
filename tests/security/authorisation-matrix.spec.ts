import { randomUUID } from 'node:crypto';
import { Topics } from '@throughline/contracts';
import { Role, ROLES } from '@throughline/service-kit';
import {
  apiAs,
  ApiClient,
  startTestService,
  TestService,
  uniqueTag,
  expectStatus,
  ifMatch,
  setUpOrganisation,
  TestOrganisation,
  ExecutionTestKit,
} from '@throughline/testing';
import { AppModule } from '../../apps/strategy-service/src/app.module';
import { strategyDatabase } from '../../apps/strategy-service/src/database/strategy-database';
import {
  executionEndpoints,
  ExecutionFixture,
  executionFixture,
  executionOrganisation,
  ExecutionOrganisation,
} from './execution-endpoints';
import { AppModule as IntegrationsApp } from '../../apps/integrations-service/src/app.module';
import { integrationsDatabase } from '../../apps/integrations-service/src/database/integrations-database';
import {
  integrationsEndpoints,
  IntegrationsFixture,
  integrationsFixture,
  integrationsOrganisation,
  IntegrationsOrganisation,
  StrategyEvents,
} from './integrations-endpoints';
import { runMatrix, SIDES } from './matrix';
import { AppModule as ExecutionApp } from '../../apps/execution-service/src/app.module';
import { executionDatabase } from '../../apps/execution-service/src/database/execution-database';
import { AppModule as MetricsApp } from '../../apps/metrics-service/src/app.module';
import { metricsDatabase } from '../../apps/metrics-service/src/database/metrics-database';
import { metricsEndpoints, MetricsFixture, metricsOrganisation } from './metrics-endpoints';
import {
  clientFor,
  documentedEndpoints,
  goalBody,
  StrategyFixture,
  strategyEndpoints,
  strategyFixture,
} from './strategy-endpoints';

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
    const roles = (org: TestOrganisation) =>
      Object.fromEntries(ROLES.map((role) => [role, clientFor(org, role)])) as Record<Role, ApiClient>;
    const result = await runMatrix<StrategyFixture>({
      endpoints: strategyEndpoints,
      own: roles(acme),
      other: roles(initech),
      shared,
      fresh: () => strategyFixture(acme),
      secrets: (fixture) => [
        acme.orgId,
        fixture.goalId,
        fixture.unitId,
        fixture.personId,
        acme.director.id,
        acme.companyUnitId,
      ],
    });
    expect(result.actual).toEqual(result.expected);
    expect(result.problems).toEqual([]);
    expect(result.cells).toBe(Object.keys(strategyEndpoints).length * ROLES.length * SIDES.length);
  });

  it("follows reporting lines: a director directs their units and below, sees those above and their people's work; a manager sees only the goals they work on", async () => {
    // company (top director) ─┬─ department: Dana, director, with Max reporting to her
    //                         └─ sales: Sam, director
    const sales = expectStatus(
      await acme.admin.post('/v1/org-units', { name: 'Sales', parentOrgUnitId: acme.companyUnitId }),
      201,
    );
    const dana = await acme.addPerson('director', { orgUnitId: acme.departmentUnitId, reportsToId: acme.director.id });
    const sam = await acme.addPerson('director', { orgUnitId: sales.id, reportsToId: acme.director.id });
    const max = await acme.addPerson('manager', { reportsToId: dana.id });
    const departmentGoal = shared.goalId;
    const companyGoal = expectStatus(
      await acme.director.api.post('/v1/goals', { ...goalBody(acme), orgUnitId: acme.companyUnitId }),
      201,
    );
    const salesGoal = expectStatus(
      await sam.api.post('/v1/goals', { ...goalBody(acme), ownerId: sam.id, orgUnitId: sales.id }),
      201,
    );
    expectStatus(
      await sam.api.post(`/v1/goals/${salesGoal.id}/deliverables`, {
        title: 'Demo kit',
        managerId: max.id,
        dueDate: '2026-05-31',
        budgetMinor: 100_000,
      }),
      201,
    );
    const listed = async (client: typeof dana.api) =>
      expectStatus(await client.get('/v1/goals?limit=100'), 200)
        .items.map((goal: { id: string }) => goal.id)
        .sort();

    // Dana: her unit (change), the company above her (read), sales where her report works (read).
    expect((await dana.api.patch(`/v1/goals/${departmentGoal}`, { weight: 2 }, ifMatch(1))).status).toBe(200);
    expect((await dana.api.get(`/v1/goals/${companyGoal.id}`)).status).toBe(200);
    expect((await dana.api.patch(`/v1/goals/${companyGoal.id}`, { weight: 2 }, ifMatch(1))).status).toBe(403);
    expect((await dana.api.get(`/v1/goals/${salesGoal.id}`)).status).toBe(200);
    expect(
      (
        await dana.api.post(`/v1/goals/${salesGoal.id}/risks`, {
          title: 'Late',
          likelihood: 2,
          impact: 2,
          ownerId: max.id,
        })
      ).status,
    ).toBe(403);
    expect(
      (await dana.api.post('/v1/goals', { ...goalBody(acme), ownerId: dana.id, orgUnitId: sales.id })).status,
    ).toBe(403);
    expect(await listed(dana.api)).toEqual(
      expect.arrayContaining([departmentGoal, companyGoal.id, salesGoal.id].sort()),
    );

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

describe('authorisation matrix: execution service', () => {
  let kit: ExecutionTestKit;
  let acme: ExecutionOrganisation;
  let initech: ExecutionOrganisation;
  let shared: ExecutionFixture;

  beforeAll(async () => {
    kit = await ExecutionTestKit.start(ExecutionApp, executionDatabase);
    acme = await executionOrganisation(kit);
    initech = await executionOrganisation(kit);
    shared = await executionFixture(kit, acme);
    await executionFixture(kit, initech);
  });
  afterAll(async () => kit?.stop());

  it('has an entry for every documented endpoint, and documents every entry', async () => {
    expect(Object.keys(executionEndpoints).sort()).toEqual(await documentedEndpoints(kit.service.url));
  });

  it('answers every cell with its exact status, problem+json for refusals, and nothing of the other organisation', async () => {
    const result = await runMatrix<ExecutionFixture>({
      endpoints: executionEndpoints,
      own: acme.clients,
      other: initech.clients,
      shared,
      fresh: () => executionFixture(kit, acme),
      secrets: (fixture) => [acme.orgId, fixture.goalId, fixture.taskId, fixture.keyResultId],
    });
    expect(result.actual).toEqual(result.expected);
    expect(result.problems).toEqual([]);
    expect(result.cells).toBe(Object.keys(executionEndpoints).length * ROLES.length * SIDES.length);
  });
});

describe('authorisation matrix: integrations service', () => {
  const tag = uniqueTag();
  let service: TestService;
  let events: StrategyEvents;
  let acme: IntegrationsOrganisation;
  let initech: IntegrationsOrganisation;
  let shared: IntegrationsFixture;

  beforeAll(async () => {
    await StrategyEvents.createTopics(tag, Object.values(Topics));
    service = await startTestService(IntegrationsApp, { tag, database: integrationsDatabase });
    events = await StrategyEvents.start(tag);
    acme = await integrationsOrganisation(service.url);
    initech = await integrationsOrganisation(service.url);
    shared = await integrationsFixture(service, events, acme);
    await integrationsFixture(service, events, initech);
  });
  afterAll(async () => {
    await events?.stop();
    await service?.stop();
  });

  it('has an entry for every documented endpoint, and documents every entry', async () => {
    expect(Object.keys(integrationsEndpoints).sort()).toEqual(await documentedEndpoints(service.url));
  });

  it('answers every cell with its exact status, problem+json for refusals, and nothing of the other organisation', async () => {
    const result = await runMatrix<IntegrationsFixture>({
      endpoints: integrationsEndpoints,
      own: acme.clients,
      other: initech.clients,
      shared,
      fresh: () => integrationsFixture(service, events, acme),
      secrets: (fixture) => [acme.orgId, fixture.webhookId, fixture.deliveryId, fixture.eventId],
    });
    expect(result.actual).toEqual(result.expected);
    expect(result.problems).toEqual([]);
    expect(result.cells).toBe(Object.keys(integrationsEndpoints).length * ROLES.length * SIDES.length);
  });
});

describe('authorisation matrix: metrics service', () => {
  const tag = uniqueTag();
  let service: TestService;
  let acme: MetricsFixture;
  let initech: MetricsFixture;

  beforeAll(async () => {
    await StrategyEvents.createTopics(tag, Object.values(Topics));
    service = await startTestService(MetricsApp, { tag, database: metricsDatabase });
    acme = await metricsOrganisation(service, tag);
    initech = await metricsOrganisation(service, tag);
  });
  afterAll(async () => service?.stop());

  it('has an entry for every documented endpoint, and documents every entry', async () => {
    expect(Object.keys(metricsEndpoints).sort()).toEqual(await documentedEndpoints(service.url));
  });

  it('answers every cell with its exact status, problem+json for refusals, and nothing of the other organisation', async () => {
    // Metrics only reads, and its two changes are each organisation's own settings and time pass: one fixture serves every cell.
    const result = await runMatrix<MetricsFixture>({
      endpoints: metricsEndpoints,
      own: acme.clients,
      other: initech.clients,
      shared: acme,
      fresh: async () => acme,
      secrets: (fixture) => [fixture.orgId, fixture.goalId, fixture.managerId, fixture.orgUnitId],
    });
    expect(result.actual).toEqual(result.expected);
    expect(result.problems).toEqual([]);
    expect(result.cells).toBe(Object.keys(metricsEndpoints).length * ROLES.length * SIDES.length);
  });

  it('shows a director the figures of their own reporting line only', async () => {
    const sideline = await apiAs(service.url, { personId: randomUUID(), orgId: acme.orgId, role: 'director' });
    expect((await sideline.get(`/v1/scores/managers/${acme.managerId}`)).status).toBe(404);
    expect((await sideline.get(`/v1/kpis/managers/${acme.managerId}`)).status).toBe(404);
    expect((await sideline.get('/v1/scores/managers')).body.items).toEqual([]);
    expect(
      (await acme.clients.director.get('/v1/scores/managers')).body.items.map(
        (score: { scopeId: string }) => score.scopeId,
      ),
    ).toEqual([acme.managerId]);
  });
});
