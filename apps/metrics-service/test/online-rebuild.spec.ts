import { randomUUID } from 'node:crypto';
import {
  GoalActivatedV1,
  TaskCreatedV1,
  TaskProgressReportedV1,
  TaskStatusChangedV1,
  TaskUpdatedV1,
} from '@throughline/contracts';
import { Actor } from '@throughline/service-kit';
import {
  apiAs,
  EventFeed,
  startTestService,
  testServiceEnv,
  TestService,
  uniqueTag,
  waitFor,
  withEnv,
} from '@throughline/testing';
import { AppModule } from '../src/app.module';
import { metricsDatabase } from '../src/database/metrics-database';
import { rebuildReadModels } from '../src/rebuild/rebuild-read-models';

/**
 * The online rebuild beside a running service with events flowing: the service answers reads
 * all along, the switch loses and doubles nothing, and the rebuilt scores, components and
 * drivers (with the tasks' current names) equal those of a second service that applied the same
 * events and was never rebuilt; events published after the switch still apply.
 */
describe('metrics: online rebuild', () => {
  const tag = uniqueTag();
  const orgId = randomUUID();
  const director: Actor = { personId: randomUUID(), orgId, role: 'director' };
  const env = {
    METRICS_CLOCK: 'manual',
    METRICS_CLOCK_START: '2026-03-01T00:00:00.000Z',
    METRICS_TIME_PASS_INTERVAL_MS: '0',
  };
  const goals = [randomUUID(), randomUUID()];
  const tasks = Array.from({ length: 12 }, (_, index) => ({
    taskId: randomUUID(),
    goalId: goals[index % 2],
    managerId: randomUUID(),
  }));
  const versions = new Map<string, number>();
  const nextVersion = (taskId: string) => {
    versions.set(taskId, (versions.get(taskId) ?? 1) + 1);
    return versions.get(taskId)!;
  };
  let minute = 0;
  const at = () => new Date(Date.UTC(2026, 1, 2, 9, minute++)).toISOString();
  let rebuilt: TestService;
  let reference: TestService;
  let feed: EventFeed;

  const inboxCount = async (service: TestService) =>
    (await service.dataSource.query(`SELECT count(*)::int AS n FROM inbox_event`))[0].n;
  const settled = (service: TestService) =>
    waitFor(async () => (await inboxCount(service)) >= feed.distinctEvents, {
      what: `${service.schema} to apply ${feed.distinctEvents} events`,
      timeoutMs: 120_000,
    });
  const scores = (service: TestService) =>
    service.dataSource.query(
      `SELECT scope, scope_id, score, band, components, drivers FROM alignment_score ORDER BY scope, scope_id`,
    );
  const report = (task: (typeof tasks)[number], progress: number) =>
    feed.publish(
      TaskProgressReportedV1,
      {
        ...task,
        progress,
        note: null,
        reportedBy: task.managerId,
        reportedAt: at(),
        taskVersion: nextVersion(task.taskId),
      },
      at(),
    );

  beforeAll(async () => {
    rebuilt = await startTestService(AppModule, { tag, database: metricsDatabase, env });
    // Same topics, its own schema and group: what the rebuilt service must equal.
    reference = await startTestService(AppModule, {
      tag,
      database: metricsDatabase,
      env: { ...env, DB_SCHEMA: `t_${tag}_reference`, KAFKA_CONSUMER_GROUP: `t${tag}.metrics-reference` },
    });
    feed = await EventFeed.start(tag, orgId);
  });
  afterAll(async () => {
    await feed?.stop();
    await reference?.stop();
    await rebuilt?.stop();
  });

  it('switches a running service to rebuilt read models while it keeps answering and applying', async () => {
    for (const goalId of goals)
      await feed.publish(
        GoalActivatedV1,
        { ...GoalActivatedV1.example, goalId, parentGoalId: null, orgUnitId: randomUUID(), budgetMinor: 5_000_000 },
        at(),
      );
    for (const [index, task] of tasks.entries())
      await feed.publish(
        TaskCreatedV1,
        { ...TaskCreatedV1.example, ...task, title: `Task ${index}`, plannedCostMinor: 400_000, dueDate: '2026-01-25' },
        at(),
      );
    for (const task of tasks.slice(0, 6))
      await feed.publish(
        TaskStatusChangedV1,
        { ...TaskStatusChangedV1.example, ...task, to: 'in_progress', taskVersion: nextVersion(task.taskId) },
        at(),
      );
    // Renamed after they became drivers: the explanations must carry the new names.
    for (const [index, task] of tasks.slice(0, 4).entries())
      await feed.publish(
        TaskUpdatedV1,
        {
          ...TaskUpdatedV1.example,
          ...task,
          title: `Renamed task ${index}`,
          dueDate: '2026-01-25',
          plannedCostMinor: 400_000,
          updatedAt: at(),
          taskVersion: nextVersion(task.taskId),
        },
        at(),
      );
    for (let round = 0; round < 5; round++) for (const task of tasks) await report(task, 10 + round * 5);
    await settled(rebuilt);

    // Events keep flowing and reads keep coming while the rebuild runs.
    let flowing = true;
    const reads: number[] = [];
    const api = await apiAs(rebuilt.url, director);
    const flow = (async () => {
      for (let round = 0; flowing; round++) await report(tasks[round % tasks.length], 40 + (round % 50));
    })();
    const reading = (async () => {
      while (flowing) {
        reads.push((await api.get(`/v1/scores/goals/${goals[reads.length % 2]}`)).status);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const result = await withEnv(testServiceEnv({ tag, database: metricsDatabase, env }), () =>
      rebuildReadModels(process.env, { log: () => undefined }),
    );
    const readsDuringRebuild = reads.length;
    // A few more after the switch, applied by the service on the rebuilt schema.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    flowing = false;
    await Promise.all([flow, reading]);

    expect(result.eventsApplied).toBeGreaterThan(100);
    expect(readsDuringRebuild).toBeGreaterThan(10);
    expect(reads.filter((status) => status !== 200)).toEqual([]);

    await settled(rebuilt);
    await settled(reference);
    // Nothing lost, nothing applied twice: exactly one inbox row per distinct event in both.
    expect(await inboxCount(rebuilt)).toBe(feed.distinctEvents);
    expect(await inboxCount(reference)).toBe(feed.distinctEvents);
    const after = await scores(rebuilt);
    expect(after).toEqual(await scores(reference));
    expect(after.map((row: { scope: string }) => row.scope)).toEqual(expect.arrayContaining(['goal', 'manager']));
    expect(JSON.stringify(after)).toContain('Renamed task');

    // The service keeps applying on the rebuilt schema: the next report moves the score.
    const goalBefore = (await api.get(`/v1/scores/goals/${goals[0]}`)).body;
    for (const task of tasks.filter((entry) => entry.goalId === goals[0])) await report(task, 100);
    await waitFor(async () => (await api.get(`/v1/scores/goals/${goals[0]}`)).body.score > goalBefore.score, {
      what: 'the goal score to rise after the switch',
    });
    await settled(rebuilt);
    await settled(reference);
    expect(await scores(rebuilt)).toEqual(await scores(reference));
  }, 240_000);
});
