import { randomUUID } from 'node:crypto';
import { Message } from 'kafkajs';
import {
  createEvent,
  EventDefinition,
  GoalActivatedV1,
  OrganisationCreatedV1,
  PersonCreatedV1,
  TaskCreatedV1,
} from '@throughline/contracts';
import { createProducer, eventMessage } from '@throughline/messaging';
import { mintDevToken } from '@throughline/service-kit';
import { BenchSystem } from './system';

/** Dates relative to today: work planned to be complete already, so every progress report moves the schedule component. */
const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
const PAST_DUE = () => day(-30);
const PERIOD = () => ({ periodStart: day(-200), periodEnd: day(165) });

export interface SeededTask {
  id: string;
  goalId: string;
  managerId: string;
  version: number;
  progress: number;
}

export interface SeededOrganisation {
  orgId: string;
  directorId: string;
  directorToken: string;
  managers: string[];
  tokens: Map<string, string>;
  goals: string[];
  tasks: SeededTask[];
}

type Outgoing = { topic: string; message: Message };

/**
 * Publishes as the owning service would, in large batches (one produce request per batch; an
 * organisation's events share a partition, and a partition's part of a request stays under the
 * broker's 1 MB).
 */
export async function publishAll(system: BenchSystem, prefix: string, events: Outgoing[], batch = 500): Promise<void> {
  const producer = createProducer(system.kafka);
  await producer.connect();
  try {
    for (let start = 0; start < events.length; start += batch) {
      const byTopic = new Map<string, Message[]>();
      for (const { topic, message } of events.slice(start, start + batch))
        byTopic.set(prefix + topic, [...(byTopic.get(prefix + topic) ?? []), message]);
      await producer.sendBatch({
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
        acks: -1,
      });
    }
  } finally {
    await producer.disconnect();
  }
}

export function outgoing<D>(
  definition: EventDefinition,
  data: D,
  orgId: string,
  actorId: string,
  correlationId = `bench-seed-${orgId}`,
): Outgoing {
  const source = definition.topic.includes('execution')
    ? '/throughline/execution-service'
    : '/throughline/strategy-service';
  const event = createEvent(definition as never, data as never, { source, orgId, correlationId, actorId });
  return { topic: definition.topic, message: eventMessage(event.key, JSON.stringify(event.envelope), event.envelope) };
}

/** The organisation, its director and managers, as strategy publishes them. */
function organisationEvents(orgId: string, directorId: string, managers: string[]): Outgoing[] {
  const people = [directorId, ...managers].map((personId, index) =>
    outgoing(
      PersonCreatedV1,
      {
        personId,
        name: `Person ${index}`,
        email: `p${index}@bench.example`,
        role: index === 0 ? 'director' : 'manager',
        orgUnitId: null,
        reportsToId: index === 0 ? null : directorId,
        active: true,
        version: 1,
      },
      orgId,
      directorId,
    ),
  );
  return [
    outgoing(
      OrganisationCreatedV1,
      { organisationId: orgId, name: 'Bench Devices', createdAt: new Date().toISOString() },
      orgId,
      directorId,
    ),
    ...people,
  ];
}

/**
 * An organisation whose goals were activated with one deliverable per task, so execution
 * creates the tasks (and publishes them) exactly as in production. Waits until execution lists
 * them all and metrics has consumed everything.
 */
export async function seedThroughExecution(
  system: BenchSystem,
  size: { goals: number; tasksPerGoal: number; managers: number },
): Promise<SeededOrganisation> {
  const orgId = randomUUID();
  const directorId = randomUUID();
  const managers = Array.from({ length: size.managers }, () => randomUUID());
  const goals = Array.from({ length: size.goals }, () => randomUUID());
  const events = organisationEvents(orgId, directorId, managers);
  goals.forEach((goalId, goalIndex) => {
    const deliverables = Array.from({ length: size.tasksPerGoal }, (_, index) => ({
      deliverableId: randomUUID(),
      title: `Work package ${goalIndex}.${index}`,
      managerId: managers[(goalIndex * size.tasksPerGoal + index) % managers.length],
      dueDate: PAST_DUE(),
      weight: 1,
      budgetMinor: 100_000,
    }));
    events.push(
      outgoing(
        GoalActivatedV1,
        {
          goalId,
          parentGoalId: null,
          orgUnitId: randomUUID(),
          ownerId: directorId,
          title: `Goal ${goalIndex}`,
          ...PERIOD(),
          weight: 1,
          currency: 'EUR',
          budgetMinor: size.tasksPerGoal * 100_000,
          deliverables,
          activatedAt: new Date().toISOString(),
        },
        orgId,
        directorId,
      ),
    );
  });
  await publishAll(system, system.prefix, events);
  const directorToken = await mintDevToken({ personId: directorId, orgId, role: 'director' });
  const tokens = new Map<string, string>();
  for (const managerId of managers)
    tokens.set(managerId, await mintDevToken({ personId: managerId, orgId, role: 'manager' }));
  const expected = size.goals * size.tasksPerGoal;
  const tasks = await waitForTasks(system.url('execution-service'), directorToken, expected);
  if (Number.isNaN(await system.timeToZeroLag(120_000)))
    throw new Error('metrics did not consume the seeded organisation within 120 s');
  return { orgId, directorId, directorToken, managers, tokens, goals, tasks };
}

async function waitForTasks(executionUrl: string, token: string, expected: number): Promise<SeededTask[]> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const first = await listTasks(executionUrl, token, 0);
    if (first.page.total >= expected) {
      const tasks = [...first.items];
      for (let offset = tasks.length; offset < first.page.total; offset += 200)
        tasks.push(...(await listTasks(executionUrl, token, offset)).items);
      return tasks.map((task) => ({
        id: task.id,
        goalId: task.goalId,
        managerId: task.managerId,
        version: task.version,
        progress: task.progress ?? 0,
      }));
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`execution did not create ${expected} tasks within 180 s`);
}

async function listTasks(
  executionUrl: string,
  token: string,
  offset: number,
): Promise<{
  items: Array<{ id: string; goalId: string; managerId: string; version: number; progress?: number }>;
  page: { total: number };
}> {
  const response = await fetch(`${executionUrl}/v1/tasks?limit=200&offset=${offset}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!response.ok) throw new Error(`listing tasks: ${response.status} ${await response.text()}`);
  return response.json() as never;
}

export interface ScaleOrganisation {
  orgId: string;
  directorId: string;
  tasks: Array<{ id: string; goalId: string; managerId: string }>;
  events: number;
}

/**
 * An organisation of `tasks` tasks for metrics alone, as the events execution and strategy
 * would have published: a goal tree (root → tens → leaves of 100 tasks) and a manager per leaf.
 */
export function scaleOrganisationEvents(tasks: number): { organisation: ScaleOrganisation; events: Outgoing[] } {
  const orgId = randomUUID();
  const directorId = randomUUID();
  const tasksPerLeaf = 100;
  const leaves = Array.from({ length: Math.max(1, Math.ceil(tasks / tasksPerLeaf)) }, () => randomUUID());
  const middles = Array.from({ length: Math.max(1, Math.ceil(leaves.length / 10)) }, () => randomUUID());
  const root = randomUUID();
  const managers = leaves.map(() => randomUUID());
  const unitId = randomUUID();
  const events = organisationEvents(orgId, directorId, managers);
  const goal = (goalId: string, parentGoalId: string | null, title: string) =>
    outgoing(
      GoalActivatedV1,
      {
        goalId,
        parentGoalId,
        orgUnitId: unitId,
        ownerId: directorId,
        title,
        ...PERIOD(),
        weight: 1,
        currency: 'EUR',
        budgetMinor: 0,
        deliverables: [],
        activatedAt: new Date().toISOString(),
      },
      orgId,
      directorId,
    );
  events.push(
    goal(root, null, 'Root goal'),
    ...middles.map((id, index) => goal(id, root, `Goal ${index}`)),
    ...leaves.map((id, index) => goal(id, middles[Math.floor(index / 10)], `Leaf ${index}`)),
  );
  const created = new Date(Date.now() - 200 * 86_400_000).toISOString();
  const taskList: ScaleOrganisation['tasks'] = [];
  for (let index = 0; index < tasks; index++) {
    const leaf = Math.floor(index / tasksPerLeaf);
    const task = { id: randomUUID(), goalId: leaves[leaf], managerId: managers[leaf] };
    taskList.push(task);
    events.push(
      outgoing(
        TaskCreatedV1,
        {
          taskId: task.id,
          goalId: task.goalId,
          deliverableId: null,
          managerId: task.managerId,
          title: `Task ${index}`,
          status: 'in_progress',
          dueDate: PAST_DUE(),
          weight: 1,
          currency: 'EUR',
          plannedCostMinor: 100_000,
          origin: 'manager',
          unlinkedReason: null,
          createdBy: task.managerId,
          createdAt: created,
        },
        orgId,
        task.managerId,
      ),
    );
  }
  return { organisation: { orgId, directorId, tasks: taskList, events: events.length }, events };
}
