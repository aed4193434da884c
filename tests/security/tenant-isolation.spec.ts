import { randomUUID } from 'node:crypto';
import {
  deadLetterTopic,
  DeliverableAddedV1,
  GoalActivatedV1,
  GoalCreatedV1,
  GoalUpdatedV1,
  PersonCreatedV1,
  PersonUpdatedV1,
  TaskCreatedV1,
  Topics,
} from '@throughline/contracts';
import {
  EventCollector,
  startTestService,
  TestService,
  uniqueTag,
  waitFor,
  EventFeed,
  ExecutionTestKit,
  launchGoal,
  person,
} from '@throughline/testing';
import { AppModule as ExecutionApp } from '../../apps/execution-service/src/app.module';
import { executionDatabase } from '../../apps/execution-service/src/database/execution-database';
import { AppModule as MetricsApp } from '../../apps/metrics-service/src/app.module';
import { metricsDatabase } from '../../apps/metrics-service/src/database/metrics-database';
import { metricsOrganisation } from './metrics-endpoints';
import { AppModule as IntegrationsApp } from '../../apps/integrations-service/src/app.module';
import { integrationsDatabase } from '../../apps/integrations-service/src/database/integrations-database';
import { integrationsFixture, integrationsOrganisation, StrategyEvents } from './integrations-endpoints';

/**
 * A token of organisation B reads, changes and receives nothing of organisation A (the
 * strategy endpoints are covered cell by cell in authorisation-matrix.spec.ts); and a
 * consumer refuses an event whose organisation is not the one of the aggregate it touches.
 */
describe('tenant isolation: execution service', () => {
  const acme = randomUUID();
  const initech = randomUUID();
  const mia = person(acme, 'manager');
  const acmeDirector = person(acme, 'director');
  let kit: ExecutionTestKit;
  let goalId: string;
  let taskId: string;

  beforeAll(async () => {
    kit = await ExecutionTestKit.start(ExecutionApp, executionDatabase);
    const goal = launchGoal(acmeDirector.personId, [
      { managerId: mia.personId, title: 'Pilot production run', dueDate: '2026-03-31' },
    ]);
    goalId = goal.goalId;
    const miaKnown = await kit.publish(
      PersonCreatedV1,
      {
        personId: mia.personId,
        name: 'Mia',
        email: 'mia@example.com',
        role: 'manager',
        orgUnitId: null,
        reportsToId: acmeDirector.personId,
        active: true,
        version: 1,
      },
      acme,
    );
    const activation = await kit.publish(GoalActivatedV1, goal, acme);
    await kit.processed(miaKnown.envelope.id, activation.envelope.id);
    const tasks = (await (await kit.api(mia)).get('/v1/tasks')).body.items;
    expect(tasks).toHaveLength(1);
    taskId = tasks[0].id;
  });
  afterAll(async () => kit?.stop());

  it.each(['director', 'manager', 'integrator', 'admin'] as const)(
    'a %s of another organisation cannot read or change a task, nor see it in a list',
    async (role) => {
      const stranger = await kit.api({ personId: mia.personId, orgId: initech, role });
      expect((await stranger.get(`/v1/tasks/${taskId}`)).status).toBe(404);
      expect((await stranger.get(`/v1/tasks?goalId=${goalId}`)).body).toMatchObject({ items: [], page: { total: 0 } });
      const ifMatch = { 'if-match': '"1"' };
      const changes: Array<[string, unknown]> = [
        ['status', { to: 'in_progress' }],
        ['progress', { progress: 60 }],
        [
          'costs',
          { amountMinor: 1_250_000, currency: 'EUR', description: 'Injection moulds', incurredOn: '2026-02-09' },
        ],
        ['hours', { minutes: 450, workedOn: '2026-02-09' }],
        ['quality-issues', { kind: 'defect', severity: 'medium', description: 'Casing cracks in the drop test' }],
      ];
      for (const [change, body] of changes) {
        const response = await stranger.post(`/v1/tasks/${taskId}/${change}`, body, ifMatch);
        // Another organisation's task does not exist for the caller, whatever their role: 404, never 403.
        expect({ change, status: response.status }).toEqual({ change, status: 404 });
        expect(JSON.stringify(response.body)).not.toContain(goalId);
      }
      // Nothing changed: the task is as the activation made it.
      expect((await (await kit.api(mia)).get(`/v1/tasks/${taskId}`)).body).toMatchObject({
        status: 'todo',
        version: 1,
      });
    },
  );

  it("dead-letters events that claim another organisation's goal, and changes nothing of it", async () => {
    const before = await kit.service.dataSource.query(`SELECT count(*)::int AS n FROM task WHERE goal_id = $1`, [
      goalId,
    ]);
    const forgedDeliverable = await kit.publish(
      DeliverableAddedV1,
      {
        goalId,
        goalStatus: 'active',
        currency: 'EUR',
        deliverable: {
          deliverableId: randomUUID(),
          title: 'Planted work',
          managerId: randomUUID(),
          dueDate: '2026-04-30',
          weight: 1,
          budgetMinor: 1,
        },
      },
      initech,
    );
    const forgedActivation = await kit.publish(
      GoalActivatedV1,
      { ...launchGoal(randomUUID(), [{ managerId: randomUUID(), title: 'Planted task' }]), goalId },
      initech,
    );
    const forgedUpdate = await kit.publish(
      GoalUpdatedV1,
      {
        goalId,
        parentGoalId: null,
        orgUnitId: randomUUID(),
        ownerId: randomUUID(),
        title: 'Hijacked',
        description: '',
        periodStart: '2026-01-01',
        periodEnd: '2026-12-31',
        weight: 1,
        status: 'active',
        currency: 'EUR',
        budgetMinor: 1,
        version: 99,
      },
      initech,
    );
    const forgedPerson = await kit.publish(
      PersonUpdatedV1,
      {
        personId: mia.personId,
        name: 'Hijacked',
        email: 'x@example.com',
        role: 'manager',
        orgUnitId: null,
        reportsToId: null,
        active: true,
        version: 9,
      },
      initech,
    );
    const forgedIds = [forgedDeliverable, forgedActivation, forgedUpdate, forgedPerson].map((sent) => sent.envelope.id);
    const parked = await waitFor(
      () => {
        const ids = kit.deadLettered().map((entry) => entry.event.id);
        return forgedIds.every((id) => ids.includes(id)) ? ids : undefined;
      },
      { what: 'the four forged events on the dead-letter topic' },
    );
    expect(parked).toEqual(expect.arrayContaining(forgedIds));
    const after = await kit.service.dataSource.query(`SELECT count(*)::int AS n FROM task WHERE goal_id = $1`, [
      goalId,
    ]);
    expect(after).toEqual(before);
    const [known] = await kit.service.dataSource.query(`SELECT org_id, title FROM goal_rm WHERE goal_id = $1`, [
      goalId,
    ]);
    expect(known).toEqual({ org_id: acme, title: 'Launch the new product line' });
    const [person] = await kit.service.dataSource.query(`SELECT org_id, name FROM person_rm WHERE person_id = $1`, [
      mia.personId,
    ]);
    expect(person).toEqual({ org_id: acme, name: 'Mia' });
    // And organisation B's people see none of it.
    expect((await (await kit.api({ ...mia, orgId: initech })).get('/v1/tasks')).body.items).toEqual([]);
  });
});

describe('tenant isolation: webhooks', () => {
  const tag = uniqueTag();
  let service: TestService;
  let events: StrategyEvents;

  beforeAll(async () => {
    await StrategyEvents.createTopics(tag, Object.values(Topics));
    service = await startTestService(IntegrationsApp, { tag, database: integrationsDatabase });
    events = await StrategyEvents.start(tag);
  });
  afterAll(async () => {
    await events?.stop();
    await service?.stop();
  });

  it("never delivers an organisation's events to another organisation's subscription, nor shows its webhooks", async () => {
    const acme = await integrationsOrganisation(service.url);
    const initech = await integrationsOrganisation(service.url);
    // Both subscribe to everything; each fixture waits for the delivery of one event of its own organisation.
    const acmeHook = await integrationsFixture(service, events, acme);
    const initechHook = await integrationsFixture(service, events, initech);
    const initechOnly = await events.goalCreated(initech.orgId);
    const acmeBarrier = await events.goalCreated(acme.orgId);
    await waitFor(
      async () =>
        (await service.dataSource.query(`SELECT 1 FROM webhook_delivery WHERE event_id = $1`, [acmeBarrier])).length
          ? true
          : undefined,
      { what: "acme's last event recorded" },
    );
    await waitFor(
      async () =>
        (await service.dataSource.query(`SELECT 1 FROM webhook_delivery WHERE event_id = $1`, [initechOnly])).length
          ? true
          : undefined,
      { what: "initech's event recorded" },
    );
    const deliveredTo = async (subscriptionId: string) =>
      (
        await service.dataSource.query(
          `SELECT event_id FROM webhook_delivery WHERE subscription_id = $1 ORDER BY event_id`,
          [subscriptionId],
        )
      ).map((row: { event_id: string }) => row.event_id);
    expect(await deliveredTo(acmeHook.webhookId)).toEqual([acmeHook.eventId, acmeBarrier].sort());
    expect(await deliveredTo(initechHook.webhookId)).toEqual([initechHook.eventId, initechOnly].sort());
    // Through the API: initech's integrator sees only its own subscription and none of acme's deliveries.
    const listed = await initech.clients.integrator.get('/v1/webhooks');
    expect(listed.body.items.map((hook: { id: string }) => hook.id)).toEqual([initechHook.webhookId]);
    expect((await initech.clients.integrator.get(`/v1/webhooks/${acmeHook.webhookId}/deliveries`)).status).toBe(404);
    expect(
      (await initech.clients.integrator.post(`/v1/webhooks/${acmeHook.webhookId}/enable`, {}, { 'if-match': '"2"' }))
        .status,
    ).toBe(404);
  });
});

describe('tenant isolation: metrics consumers', () => {
  const tag = uniqueTag();
  const deadLetters = `t${tag}.${deadLetterTopic('metrics-service')}`;
  let service: TestService;
  let collector: EventCollector;

  beforeAll(async () => {
    await StrategyEvents.createTopics(tag, [...Object.values(Topics), deadLetterTopic('metrics-service')]);
    service = await startTestService(MetricsApp, { tag, database: metricsDatabase });
    collector = await EventCollector.start([deadLetters]);
  });
  afterAll(async () => {
    await collector?.stop();
    await service?.stop();
  });

  it("dead-letters events that claim another organisation's goal, person or task, and changes nothing of them", async () => {
    const acme = await metricsOrganisation(service, tag);
    const before = await service.dataSource.query(
      `SELECT scope, scope_id, score, components FROM alignment_score WHERE org_id = $1 ORDER BY scope, scope_id`,
      [acme.orgId],
    );
    const forger = await EventFeed.start(tag, randomUUID());
    const at = '2026-01-06T09:00:00.000Z';
    const forged = [
      await forger.publish(
        GoalUpdatedV1,
        {
          ...GoalUpdatedV1.example,
          goalId: acme.goalId,
          orgUnitId: randomUUID(),
          ownerId: randomUUID(),
          title: 'Hijacked',
          status: 'active',
          version: 9,
        },
        at,
      ),
      await forger.publish(
        PersonUpdatedV1,
        {
          personId: acme.managerId,
          name: 'Hijacked',
          email: 'x@example.com',
          role: 'manager',
          orgUnitId: null,
          reportsToId: null,
          active: true,
          version: 9,
        },
        at,
      ),
      await forger.publish(
        TaskCreatedV1,
        {
          taskId: acme.taskId,
          goalId: null,
          deliverableId: null,
          managerId: randomUUID(),
          title: 'Hijacked',
          status: 'todo',
          dueDate: null,
          weight: 1,
          currency: 'EUR',
          plannedCostMinor: 1,
          origin: 'manager',
          createdAt: at,
        },
        at,
      ),
    ].map((message) => JSON.parse(message.value).id as string);
    await forger.stop();
    await waitFor(
      () => (forged.every((id) => collector.received.some((entry) => entry.event.id === id)) ? true : undefined),
      { what: 'the forged events on the dead-letter topic' },
    );
    const [goal] = await service.dataSource.query(`SELECT org_id, title FROM goal_rm WHERE goal_id = $1`, [
      acme.goalId,
    ]);
    const [manager] = await service.dataSource.query(`SELECT org_id, name FROM person_rm WHERE person_id = $1`, [
      acme.managerId,
    ]);
    const [task] = await service.dataSource.query(`SELECT org_id, title FROM task_rm WHERE task_id = $1`, [
      acme.taskId,
    ]);
    expect({ goal, manager, task }).toEqual({
      goal: { org_id: acme.orgId, title: GoalCreatedV1.example.title },
      manager: { org_id: acme.orgId, name: 'manager' },
      task: { org_id: acme.orgId, title: 'Pilot production run' },
    });
    expect(
      await service.dataSource.query(
        `SELECT scope, scope_id, score, components FROM alignment_score WHERE org_id = $1 ORDER BY scope, scope_id`,
        [acme.orgId],
      ),
    ).toEqual(before);
  });
});
