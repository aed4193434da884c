import { randomUUID } from 'node:crypto';
import { exampleKeyResult, GoalActivatedV1, KeyResultAddedV1, PersonCreatedV1 } from '@throughline/contracts';
import { Actor, Role } from '@throughline/service-kit';
import { ApiClient, ExecutionTestKit, launchGoal } from '@throughline/testing';
import { EndpointEntry, statuses } from './strategy-endpoints';

/** An organisation as execution knows it from events: a director with a manager reporting to them, an integrator, an admin. */
export interface ExecutionOrganisation {
  orgId: string;
  actors: Record<Role, Actor>;
  clients: Record<Role, ApiClient>;
}

/** A goal the manager works on: its task (in todo) and a key result. */
export interface ExecutionFixture {
  goalId: string;
  taskId: string;
  keyResultId: string;
}

export async function executionOrganisation(kit: ExecutionTestKit): Promise<ExecutionOrganisation> {
  const orgId = randomUUID();
  const actors = Object.fromEntries(
    (['director', 'manager', 'integrator', 'admin'] as const).map((role) => [
      role,
      { personId: randomUUID(), orgId, role },
    ]),
  ) as Record<Role, Actor>;
  const sent = [];
  for (const [role, reportsToId] of [
    ['director', null],
    ['manager', actors.director.personId],
  ] as const) {
    sent.push(
      await kit.publish(
        PersonCreatedV1,
        {
          personId: actors[role].personId,
          name: role,
          email: `${role}@example.com`,
          role,
          orgUnitId: null,
          reportsToId,
          active: true,
          version: 1,
        },
        orgId,
      ),
    );
  }
  await kit.processed(...sent.map((event) => event.envelope.id));
  const clients = Object.fromEntries(
    await Promise.all(Object.entries(actors).map(async ([role, actor]) => [role, await kit.api(actor)])),
  ) as Record<Role, ApiClient>;
  return { orgId, actors, clients };
}

export async function executionFixture(kit: ExecutionTestKit, org: ExecutionOrganisation): Promise<ExecutionFixture> {
  const goal = launchGoal(org.actors.director.personId, [
    { managerId: org.actors.manager.personId, title: 'Pilot production run', dueDate: '2026-06-30' },
  ]);
  const keyResultId = randomUUID();
  const sent = [
    await kit.publish(GoalActivatedV1, goal, org.orgId),
    await kit.publish(KeyResultAddedV1, { ...exampleKeyResult, keyResultId, goalId: goal.goalId }, org.orgId),
  ];
  await kit.processed(...sent.map((event) => event.envelope.id));
  const [task] = await kit.service.dataSource.query(`SELECT id FROM task WHERE goal_id = $1`, [goal.goalId]);
  return { goalId: goal.goalId, taskId: task.id, keyResultId };
}

const readable = statuses([200, 404], [200, 404], [200, 404], [200, 404]);
const listable = statuses([200, 200], [200, 200], [200, 200], [200, 200]);
/** The task's manager alone changes it; in the other organisation it does not exist for anyone. */
const managerChanges = (ok: number) => statuses([403, 404], [ok, 404], [403, 404], [403, 404]);

/** Every execution endpoint with a valid request and its exact status per role and organisation (docs/security.md). */
export const executionEndpoints: Record<string, EndpointEntry<ExecutionFixture>> = {
  'GET /v1/tasks': { request: () => ({ path: '/v1/tasks' }), expected: listable },
  'GET /v1/tasks/export': { request: () => ({ path: '/v1/tasks/export' }), expected: listable },
  'GET /v1/tasks/{taskId}': { request: (f) => ({ path: `/v1/tasks/${f.taskId}` }), expected: readable },
  // The other organisation's manager names a goal that is not theirs: 422 naming linkedGoalId.
  'POST /v1/tasks': {
    request: (f) => ({ path: '/v1/tasks', body: { title: 'Extra tooling', linkedGoalId: f.goalId } }),
    expected: statuses([403, 403], [201, 422], [403, 403], [403, 403]),
  },
  'POST /v1/tasks/{taskId}/status': {
    request: (f) => ({
      path: `/v1/tasks/${f.taskId}/status`,
      body: { to: 'in_progress' },
      headers: { 'if-match': '"1"' },
    }),
    expected: managerChanges(200),
  },
  'POST /v1/tasks/{taskId}/progress': {
    request: (f) => ({
      path: `/v1/tasks/${f.taskId}/progress`,
      body: { progress: 60 },
      headers: { 'if-match': '"1"' },
    }),
    expected: managerChanges(200),
  },
  'POST /v1/tasks/{taskId}/costs': {
    request: (f) => ({
      path: `/v1/tasks/${f.taskId}/costs`,
      body: { amountMinor: 125_000, currency: 'EUR', description: 'Injection moulds', incurredOn: '2026-02-09' },
      headers: { 'if-match': '"1"' },
    }),
    expected: managerChanges(201),
  },
  'POST /v1/tasks/{taskId}/hours': {
    request: (f) => ({
      path: `/v1/tasks/${f.taskId}/hours`,
      body: { minutes: 450, workedOn: '2026-02-09' },
      headers: { 'if-match': '"1"' },
    }),
    expected: managerChanges(201),
  },
  'POST /v1/tasks/{taskId}/quality-issues': {
    request: (f) => ({
      path: `/v1/tasks/${f.taskId}/quality-issues`,
      body: { kind: 'defect', severity: 'medium', description: 'Casing cracks in the drop test' },
      headers: { 'if-match': '"1"' },
    }),
    expected: managerChanges(201),
  },
  'GET /v1/key-results': { request: () => ({ path: '/v1/key-results' }), expected: listable },
  'GET /v1/key-results/{keyResultId}/check-ins': {
    request: (f) => ({ path: `/v1/key-results/${f.keyResultId}/check-ins` }),
    expected: readable,
  },
  'POST /v1/key-results/{keyResultId}/check-ins': {
    request: (f) => ({
      path: `/v1/key-results/${f.keyResultId}/check-ins`,
      body: { value: 47.5, measuredOn: '2026-02-28' },
    }),
    expected: managerChanges(201),
  },
  'GET /v1/audit': {
    request: () => ({ path: '/v1/audit' }),
    expected: statuses([200, 200], [403, 403], [403, 403], [200, 200]),
  },
};
