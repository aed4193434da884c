import { randomUUID } from 'node:crypto';
import {
  GoalCreatedV1,
  OrganisationCreatedV1,
  OrgUnitCreatedV1,
  PersonCreatedV1,
  TaskCreatedV1,
} from '@throughline/contracts';
import { Actor, Role, ROLES } from '@throughline/service-kit';
import { apiAs, ApiClient, TestService, waitFor, EventFeed } from '@throughline/testing';
import { EndpointEntry, statuses } from './strategy-endpoints';

/** An organisation as metrics knows it from events: a unit, a director, a manager reporting to them with one task of a goal. */
export interface MetricsFixture {
  orgId: string;
  goalId: string;
  managerId: string;
  orgUnitId: string;
  taskId: string;
  clients: Record<Role, ApiClient>;
}

export async function metricsOrganisation(service: TestService, tag: string): Promise<MetricsFixture> {
  const orgId = randomUUID();
  const [orgUnitId, directorId, managerId, goalId, taskId] = [
    randomUUID(),
    randomUUID(),
    randomUUID(),
    randomUUID(),
    randomUUID(),
  ];
  const feed = await EventFeed.start(tag, orgId);
  const at = (minute: number) => `2026-01-05T09:${String(minute).padStart(2, '0')}:00.000Z`;
  const person = (personId: string, role: 'director' | 'manager', reportsToId: string | null) => ({
    personId,
    name: role,
    email: `${role}@example.com`,
    role,
    orgUnitId,
    reportsToId,
    active: true,
    version: 1,
  });
  await feed.publish(OrganisationCreatedV1, { organisationId: orgId, name: 'Acme Devices', createdAt: at(0) }, at(0));
  await feed.publish(OrgUnitCreatedV1, { orgUnitId, name: 'Product', parentOrgUnitId: null, version: 1 }, at(1));
  await feed.publish(PersonCreatedV1, person(directorId, 'director', null), at(2));
  await feed.publish(PersonCreatedV1, person(managerId, 'manager', directorId), at(3));
  await feed.publish(
    GoalCreatedV1,
    {
      ...GoalCreatedV1.example,
      goalId,
      parentGoalId: null,
      orgUnitId,
      ownerId: directorId,
      status: 'active',
      version: 1,
    },
    at(4),
  );
  await feed.publish(
    TaskCreatedV1,
    {
      taskId,
      goalId,
      deliverableId: null,
      managerId,
      title: 'Pilot production run',
      status: 'todo',
      dueDate: '2026-03-31',
      weight: 1,
      currency: 'EUR',
      plannedCostMinor: 100_000,
      origin: 'deliverable',
      createdAt: at(5),
    },
    at(5),
  );
  await feed.stop();
  // Every event applied (each one rescored what it touched in its own transaction).
  await waitFor(
    async () => {
      const [row] = await service.dataSource.query(
        `SELECT count(*)::int AS n FROM inbox_event WHERE event_id = ANY($1)`,
        [feed.sent],
      );
      return row.n === feed.sent.length ? true : undefined;
    },
    { what: 'metrics to apply the fixture events' },
  );
  const actors: Record<Role, Actor> = {
    director: { personId: directorId, orgId, role: 'director' },
    manager: { personId: managerId, orgId, role: 'manager' },
    integrator: { personId: randomUUID(), orgId, role: 'integrator' },
    admin: { personId: randomUUID(), orgId, role: 'admin' },
  };
  const clients = Object.fromEntries(
    await Promise.all(ROLES.map(async (role) => [role, await apiAs(service.url, actors[role])])),
  ) as Record<Role, ApiClient>;
  return { orgId, goalId, managerId, orgUnitId, taskId, clients };
}

const everyone = statuses([200, 200], [200, 200], [200, 200], [200, 200]);
/** Organisation-wide figures: for directors, integrators and admins; a manager reads their own only. */
const organisationWide = statuses([200, 200], [403, 403], [200, 200], [200, 200]);
/** One manager's figures: theirs and everyone else's in the organisation but them; another organisation's do not exist. */
const oneManager = statuses([200, 404], [200, 404], [200, 404], [200, 404]);
const directorsAndAdmins = statuses([200, 200], [403, 403], [403, 403], [200, 200]);

/** Every metrics endpoint with a valid request and its exact status per role and organisation (docs/security.md). */
export const metricsEndpoints: Record<string, EndpointEntry<MetricsFixture>> = {
  'GET /v1/alerts': { request: () => ({ path: '/v1/alerts' }), expected: everyone },
  'GET /v1/scores/organisation': { request: () => ({ path: '/v1/scores/organisation' }), expected: organisationWide },
  'GET /v1/scores/organisation/history': {
    request: () => ({ path: '/v1/scores/organisation/history' }),
    expected: organisationWide,
  },
  'GET /v1/scores/organisation/forecast': {
    request: () => ({ path: '/v1/scores/organisation/forecast' }),
    expected: organisationWide,
  },
  // Compared from a time after every change: the latest point against the current score.
  'GET /v1/scores/organisation/compare': {
    request: () => ({ path: '/v1/scores/organisation/compare?from=2999-01-01T00:00:00Z' }),
    expected: organisationWide,
  },
  'GET /v1/scores/{scopes}': { request: () => ({ path: '/v1/scores/goals' }), expected: organisationWide },
  'GET /v1/scores/{scopes}/{id}': {
    request: (f) => ({ path: `/v1/scores/managers/${f.managerId}` }),
    expected: oneManager,
  },
  'GET /v1/scores/{scopes}/{id}/history': {
    request: (f) => ({ path: `/v1/scores/managers/${f.managerId}/history` }),
    expected: oneManager,
  },
  'GET /v1/scores/{scopes}/{id}/forecast': {
    request: (f) => ({ path: `/v1/scores/managers/${f.managerId}/forecast` }),
    expected: oneManager,
  },
  'GET /v1/scores/{scopes}/{id}/compare': {
    request: (f) => ({ path: `/v1/scores/managers/${f.managerId}/compare?from=2999-01-01T00:00:00Z` }),
    expected: oneManager,
  },
  'GET /v1/kpis/managers/{managerId}': {
    request: (f) => ({ path: `/v1/kpis/managers/${f.managerId}` }),
    expected: oneManager,
  },
  'GET /v1/kpis/managers/{managerId}/history': {
    request: (f) => ({ path: `/v1/kpis/managers/${f.managerId}/history` }),
    expected: oneManager,
  },
  'GET /v1/kpis/organisation': { request: () => ({ path: '/v1/kpis/organisation' }), expected: organisationWide },
  'GET /v1/kpis/organisation/history': {
    request: () => ({ path: '/v1/kpis/organisation/history' }),
    expected: organisationWide,
  },
  // Sheets hold what their reader may see: a manager their own figures, others their organisation's.
  'GET /v1/exports/scores': { request: () => ({ path: '/v1/exports/scores' }), expected: everyone },
  'GET /v1/exports/score-history': {
    request: (f) => ({ path: `/v1/exports/score-history?scope=manager&id=${f.managerId}` }),
    expected: oneManager,
  },
  'GET /v1/exports/kpis': { request: () => ({ path: '/v1/exports/kpis' }), expected: everyone },
  'GET /v1/settings/alignment': { request: () => ({ path: '/v1/settings/alignment' }), expected: everyone },
  // Each organisation's own settings: the other organisation's director changes theirs, never these.
  'PUT /v1/settings/alignment': {
    request: async (_f, caller) => {
      const current = await caller.get('/v1/settings/alignment');
      const { version: _version, ...settings } = current.body ?? {};
      return {
        path: '/v1/settings/alignment',
        body: { ...settings, highRiskExposure: 13 },
        headers: { 'if-match': current.headers.get('etag') ?? '"0"' },
      };
    },
    expected: directorsAndAdmins,
  },
  // Directors only; another organisation's director names a task their organisation does not have.
  'POST /v1/simulations': {
    request: (f) => ({ path: '/v1/simulations', body: { changes: [{ kind: 'slip', taskId: f.taskId, days: 7 }] } }),
    expected: statuses([200, 404], [403, 403], [403, 403], [403, 403]),
  },
  'POST /v1/time-pass': { request: () => ({ path: '/v1/time-pass', body: {} }), expected: directorsAndAdmins },
  'GET /v1/audit': { request: () => ({ path: '/v1/audit' }), expected: directorsAndAdmins },
};
