import { randomUUID } from 'node:crypto';
import {
  BudgetRevisedV1,
  DeliverableAddedV1,
  DeliverableChangedV1,
  DeliverableRemovedV1,
  GoalActivatedV1,
  GoalClosedV1,
  KeyResultAddedV1,
  KeyResultCheckedInV1,
  PersonCreatedV1,
  PersonUpdatedV1,
  TaskCreatedV1,
  Topics,
  TaskStatusChangedV1,
  TaskUpdatedV1,
  exampleKeyResult,
} from '@throughline/contracts';
import { waitFor, ExecutionTestKit, launchGoal, person } from '@throughline/testing';
import { AppModule } from '../src/app.module';
import { executionDatabase } from '../src/database/execution-database';

/** Strategy events in, tasks and task events out — over the real broker and database. */
describe('execution: from strategy events to tasks', () => {
  const orgId = randomUUID();
  const director = person(orgId, 'director');
  const mia = person(orgId, 'manager');
  const noah = person(orgId, 'manager');
  let kit: ExecutionTestKit;

  beforeAll(async () => {
    kit = await ExecutionTestKit.start(AppModule, executionDatabase);
  });
  afterAll(async () => {
    await kit?.stop();
  });

  const tasksOfGoal = async (goalId: string) =>
    (await (await kit.api(person(orgId, 'integrator'))).get(`/v1/tasks?goalId=${goalId}&limit=200`)).body
      .items as Array<Record<string, any>>;
  const createdFor = (goalId: string) =>
    kit.published(TaskCreatedV1.type, (entry) => entry.event.data.goalId === goalId);

  it('makes one task per deliverable of an activated goal, exactly once under redelivery and under a replay with a new event id', async () => {
    const goal = launchGoal(director.personId, [
      {
        managerId: mia.personId,
        title: 'Pilot production run',
        dueDate: '2026-03-31',
        weight: 2,
        budgetMinor: 5_000_000,
      },
      { managerId: noah.personId, title: 'Launch campaign', dueDate: '2026-05-15', weight: 1, budgetMinor: 2_500_000 },
    ]);
    const activation = await kit.publish(GoalActivatedV1, goal, orgId);
    await kit.send(activation);
    await kit.send(activation);
    const replay = kit.withNewId(activation);
    await kit.send(replay);
    await kit.processed(activation.envelope.id, replay.envelope.id);

    const tasks = await tasksOfGoal(goal.goalId);
    expect(
      tasks
        .map((task) => [
          task.managerId,
          task.title,
          task.dueDate,
          task.weight,
          task.plannedCostMinor,
          task.currency,
          task.status,
          task.origin,
          task.version,
        ])
        .sort(),
    ).toEqual(
      [
        [mia.personId, 'Pilot production run', '2026-03-31', 2, 5_000_000, 'EUR', 'todo', 'deliverable', 1],
        [noah.personId, 'Launch campaign', '2026-05-15', 1, 2_500_000, 'EUR', 'todo', 'deliverable', 1],
      ].sort(),
    );
    const created = await kit.collector.waitForType(
      TaskCreatedV1.type,
      2,
      (entry) => entry.event.data.goalId === goal.goalId,
    );
    expect(created).toHaveLength(2);
    for (const entry of createdFor(goal.goalId)) {
      expect(entry.key).toBe(goal.goalId);
      expect(entry.parsed).toMatchObject({
        orgid: orgId,
        causationid: activation.envelope.id,
        correlationid: activation.envelope.correlationid,
        source: '/throughline/execution-service',
      });
    }
    // The redeliveries were recognised by event id; the replay was applied and changed nothing.
    const [inbox] = await kit.service.dataSource.query(
      `SELECT count(*)::int AS n FROM inbox_event WHERE event_id = ANY($1)`,
      [[activation.envelope.id, replay.envelope.id]],
    );
    expect(inbox.n).toBe(2);
  });

  it('adds a task for a deliverable added to an active goal, once, and the task follows a deliverable change exactly once', async () => {
    const goal = launchGoal(director.personId, [{ managerId: mia.personId, title: 'Pilot production run' }]);
    const activation = await kit.publish(GoalActivatedV1, goal, orgId);
    const deliverable = {
      deliverableId: randomUUID(),
      title: 'Supplier audit',
      managerId: noah.personId,
      dueDate: '2026-04-30',
      weight: 1,
      budgetMinor: 300_000,
    };
    const added = await kit.publish(
      DeliverableAddedV1,
      { goalId: goal.goalId, goalStatus: 'active', currency: 'EUR', deliverable },
      orgId,
    );
    const addedAgain = kit.withNewId(added);
    await kit.send(addedAgain);
    await kit.processed(activation.envelope.id, added.envelope.id, addedAgain.envelope.id);
    expect(await tasksOfGoal(goal.goalId)).toHaveLength(2);

    const changedDeliverable = {
      ...deliverable,
      title: 'Supplier audit (two plants)',
      dueDate: '2026-05-31',
      weight: 3,
      budgetMinor: 450_000,
    };
    const changed = await kit.publish(
      DeliverableChangedV1,
      { goalId: goal.goalId, goalStatus: 'active', currency: 'EUR', deliverable: changedDeliverable },
      orgId,
    );
    const changedAgain = kit.withNewId(changed);
    await kit.send(changedAgain);
    await kit.processed(changed.envelope.id, changedAgain.envelope.id);

    const task = (await tasksOfGoal(goal.goalId)).find(
      (candidate) => candidate.deliverableId === deliverable.deliverableId,
    )!;
    expect(task).toMatchObject({
      title: 'Supplier audit (two plants)',
      dueDate: '2026-05-31',
      weight: 3,
      plannedCostMinor: 450_000,
      managerId: noah.personId,
      version: 2,
    });
    // Events of one goal share a partition, in order: once the update is seen, every earlier one has been too.
    await kit.collector.waitForType(TaskUpdatedV1.type, 1, (entry) => entry.event.data.taskId === task.id);
    const updates = kit.published(TaskUpdatedV1.type, (entry) => entry.event.data.taskId === task.id);
    expect(updates).toHaveLength(1);
    expect(updates[0].key).toBe(goal.goalId);
    expect(updates[0].parsed.data).toMatchObject({
      title: 'Supplier audit (two plants)',
      dueDate: '2026-05-31',
      weight: 3,
      plannedCostMinor: 450_000,
      cause: 'deliverable.changed',
      taskVersion: 2,
    });
    expect(createdFor(goal.goalId)).toHaveLength(2);
  });

  it('cancels the task of a removed deliverable with the reason, as a system change (changedBy null)', async () => {
    const goal = launchGoal(director.personId, [{ managerId: mia.personId, title: 'Packaging design' }]);
    const [deliverable] = goal.deliverables;
    const activation = await kit.publish(GoalActivatedV1, goal, orgId);
    const removed = await kit.publish(
      DeliverableRemovedV1,
      {
        goalId: goal.goalId,
        deliverableId: deliverable.deliverableId,
        reason: 'Merged into the pilot run',
        removedAt: new Date().toISOString(),
      },
      orgId,
    );
    // An older activation replayed after the removal must not bring the task back.
    const replay = kit.withNewId(activation);
    await kit.send(replay);
    await kit.processed(activation.envelope.id, removed.envelope.id, replay.envelope.id);

    const [task] = await tasksOfGoal(goal.goalId);
    expect(task).toMatchObject({
      status: 'cancelled',
      cancellationReason: 'Deliverable removed: Merged into the pilot run',
      version: 2,
    });
    const [event] = await kit.collector.waitForType(
      TaskStatusChangedV1.type,
      1,
      (entry) => entry.event.data.taskId === task.id,
    );
    expect(
      kit.published(TaskStatusChangedV1.type, (entry) => entry.event.data.taskId === task.id)[0].parsed.data,
    ).toMatchObject({
      from: 'todo',
      to: 'cancelled',
      changedBy: null,
      reason: 'Deliverable removed: Merged into the pilot run',
      taskVersion: 2,
    });
    expect(event.key).toBe(goal.goalId);
    expect(createdFor(goal.goalId)).toHaveLength(1);
  });

  it('cancels the open tasks of a closed goal with the outcome as reason, leaves done ones, and makes no tasks for it afterwards', async () => {
    const goal = launchGoal(director.personId, [
      { managerId: mia.personId, title: 'Pilot production run' },
      { managerId: noah.personId, title: 'Launch campaign' },
    ]);
    const activation = await kit.publish(GoalActivatedV1, goal, orgId);
    await kit.processed(activation.envelope.id);
    const miaApi = await kit.api(mia);
    const [miaTask] = (await miaApi.get(`/v1/tasks?goalId=${goal.goalId}`)).body.items;
    expect(
      (await miaApi.post(`/v1/tasks/${miaTask.id}/status`, { to: 'in_progress' }, { 'if-match': '"1"' })).status,
    ).toBe(200);
    expect((await miaApi.post(`/v1/tasks/${miaTask.id}/status`, { to: 'done' }, { 'if-match': '"2"' })).status).toBe(
      200,
    );
    const extra = await miaApi.post('/v1/tasks', { title: 'Extra supplier visit', linkedGoalId: goal.goalId });
    expect(extra.status).toBe(201);

    const closed = await kit.publish(
      GoalClosedV1,
      {
        goalId: goal.goalId,
        outcome: 'abandoned',
        reason: 'Market entry postponed',
        closedAt: new Date().toISOString(),
        version: 4,
      },
      orgId,
    );
    const lateDeliverable = await kit.publish(
      DeliverableAddedV1,
      {
        goalId: goal.goalId,
        goalStatus: 'active',
        currency: 'EUR',
        deliverable: {
          deliverableId: randomUUID(),
          title: 'Late idea',
          managerId: noah.personId,
          dueDate: '2026-06-30',
          weight: 1,
          budgetMinor: 0,
        },
      },
      orgId,
    );
    await kit.processed(closed.envelope.id, lateDeliverable.envelope.id);

    const byTitle = Object.fromEntries((await tasksOfGoal(goal.goalId)).map((task) => [task.title, task]));
    expect(Object.keys(byTitle).sort()).toEqual(['Extra supplier visit', 'Launch campaign', 'Pilot production run']);
    expect(byTitle['Pilot production run']).toMatchObject({ status: 'done', progress: 100 });
    for (const title of ['Launch campaign', 'Extra supplier visit'])
      expect(byTitle[title]).toMatchObject({
        status: 'cancelled',
        cancellationReason: 'Goal closed as abandoned: Market entry postponed',
      });
    const cancellations = await kit.collector.waitForType(
      TaskStatusChangedV1.type,
      2,
      (entry) => entry.event.data.goalId === goal.goalId && entry.event.data.to === 'cancelled',
    );
    expect(cancellations.map((entry) => entry.event.data.changedBy)).toEqual([null, null]);
    // A manager can no longer link work to the closed goal.
    const refused = await miaApi.post('/v1/tasks', { title: 'Too late', linkedGoalId: goal.goalId });
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toMatch(/abandoned, not active/);
  });

  it('lets planned costs follow a budget revision where an allocation names the manager, split over their tasks; org-unit allocations and older revisions change nothing', async () => {
    const goal = launchGoal(director.personId, [
      { managerId: mia.personId, title: 'Pilot production run', budgetMinor: 4_000_000 },
      { managerId: mia.personId, title: 'Tooling', budgetMinor: 1_000_000 },
      { managerId: noah.personId, title: 'Launch campaign', budgetMinor: 2_000_000 },
    ]);
    const activation = await kit.publish(GoalActivatedV1, goal, orgId);
    const revision = (number: number, miaAmount: number) => ({
      goalId: goal.goalId,
      revision: number,
      currency: 'EUR',
      totalMinor: 13_000_000,
      allocations: [
        { managerId: mia.personId, orgUnitId: null, amountMinor: miaAmount },
        { managerId: null, orgUnitId: randomUUID(), amountMinor: 3_000_000 },
      ],
      reason: 'Tooling costs were higher',
      revisedBy: director.personId,
      revisedAt: new Date(Date.now() + 1_000).toISOString(),
    });
    const second = await kit.publish(BudgetRevisedV1, revision(2, 6_000_001), orgId);
    const olderArrivingLate = await kit.publish(BudgetRevisedV1, revision(1, 100), orgId);
    await kit.processed(activation.envelope.id, second.envelope.id, olderArrivingLate.envelope.id);

    const planned = Object.fromEntries(
      (await tasksOfGoal(goal.goalId)).map((task) => [task.title, task.plannedCostMinor]),
    );
    // 6 000 001 split 4:1 → 4 800 000.8 and 1 200 000.2; the cent left goes to the larger remainder.
    expect(planned).toEqual({ 'Pilot production run': 4_800_001, Tooling: 1_200_000, 'Launch campaign': 2_000_000 });
    await kit.collector.waitForType(TaskUpdatedV1.type, 2, (entry) => entry.event.data.goalId === goal.goalId);
    const updates = kit.published(TaskUpdatedV1.type, (entry) => entry.event.data.goalId === goal.goalId);
    expect(updates.map((entry) => entry.parsed.data.cause)).toEqual(['budget.revised#2', 'budget.revised#2']);
  });

  it('loses nothing that arrives before the goal: a change for an unseen goal makes the task, the later activation adds no second one, an early closure blocks it', async () => {
    const goal = launchGoal(director.personId, [
      { managerId: mia.personId, title: 'Pilot production run', budgetMinor: 1_000_000 },
    ]);
    const [deliverable] = goal.deliverables;
    const keyResult = await kit.publish(
      KeyResultAddedV1,
      { ...exampleKeyResult, keyResultId: randomUUID(), goalId: goal.goalId },
      orgId,
    );
    const early = await kit.publish(
      DeliverableChangedV1,
      {
        goalId: goal.goalId,
        goalStatus: 'active',
        currency: 'EUR',
        deliverable: { ...deliverable, title: 'Pilot production run (v2)' },
      },
      orgId,
    );
    await kit.processed(keyResult.envelope.id, early.envelope.id);
    const [task] = await tasksOfGoal(goal.goalId);
    expect(task).toMatchObject({
      title: 'Pilot production run (v2)',
      managerId: mia.personId,
      currency: 'EUR',
      status: 'todo',
    });

    const activation = await kit.publish(GoalActivatedV1, goal, orgId);
    await kit.processed(activation.envelope.id);
    expect(await tasksOfGoal(goal.goalId)).toHaveLength(1);
    // The key result that came first is there to check in against.
    const miaApi = await kit.api(mia);
    const checkIn = await miaApi.post(`/v1/key-results/${keyResult.envelope.data.keyResultId}/check-ins`, {
      value: 49,
      measuredOn: '2026-01-31',
      note: 'First count',
    });
    expect(checkIn.status).toBe(201);
    // The check-in is keyed by the goal too: once it is seen, any task.created of the activation would have been.
    await kit.collector.waitForType(
      KeyResultCheckedInV1.type,
      1,
      (entry) => entry.event.data.checkInId === checkIn.body.id,
    );
    expect(createdFor(goal.goalId)).toHaveLength(1);

    const closedFirst = launchGoal(director.personId, [{ managerId: noah.personId, title: 'Never started' }]);
    const closure = await kit.publish(
      GoalClosedV1,
      {
        goalId: closedFirst.goalId,
        outcome: 'abandoned',
        reason: null,
        closedAt: new Date().toISOString(),
        version: 3,
      },
      orgId,
    );
    const lateActivation = await kit.publish(GoalActivatedV1, closedFirst, orgId);
    await kit.processed(closure.envelope.id, lateActivation.envelope.id);
    expect(await tasksOfGoal(closedFirst.goalId)).toHaveLength(0);

    expect(kit.deadLettered()).toEqual([]);
  });

  it('keeps people from organisation events in version order, and finds tasks made before their manager was known under the reporting line', async () => {
    const dana = person(orgId, 'director');
    const max = person(orgId, 'manager');
    const goal = launchGoal(director.personId, [{ managerId: max.personId, title: 'Ramp-up' }]);
    const activation = await kit.publish(GoalActivatedV1, goal, orgId);
    await kit.processed(activation.envelope.id);
    const asDana = await kit.api(dana);
    expect((await asDana.get(`/v1/tasks?reportingTo=${dana.personId}`)).body.page.total).toBe(0);

    const snapshot = {
      personId: max.personId,
      name: 'Max Manager',
      email: 'max@acme.example',
      role: 'manager' as const,
      orgUnitId: null,
      active: true,
    };
    // The newer snapshot (reporting to Dana) arrives before the older one (reporting to no one).
    const newer = await kit.publish(PersonUpdatedV1, { ...snapshot, reportsToId: dana.personId, version: 2 }, orgId);
    const older = await kit.publish(PersonCreatedV1, { ...snapshot, reportsToId: null, version: 1 }, orgId);
    await kit.processed(newer.envelope.id, older.envelope.id);
    const line = await asDana.get(`/v1/tasks?reportingTo=${dana.personId}`);
    expect(line.body.items.map((task: { title: string; managerId: string }) => [task.title, task.managerId])).toEqual([
      ['Ramp-up', max.personId],
    ]);
  });

  it('dead-letters only what can never be processed (a malformed message), and publishes every event on its schema', async () => {
    await kit.send({ topic: kit.topic(Topics.Goals), key: 'garbage', envelope: '{not an event' as never });
    const [parked] = await waitFor(() => (kit.deadLettered().length ? kit.deadLettered() : undefined), {
      what: 'the malformed message on the dead-letter topic',
    });
    expect(kit.deadLettered()).toHaveLength(1);
    expect(parked.key).toBe('garbage');
    const published = kit.collector.received.filter((entry) => entry.topic !== kit.deadLetterTopic);
    expect(published.length).toBeGreaterThan(10);
    for (const entry of published)
      expect(kit.published(entry.event.type, (candidate) => candidate.event.id === entry.event.id)).toHaveLength(1);
  });
});
