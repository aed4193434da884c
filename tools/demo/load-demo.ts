import { randomUUID } from 'node:crypto';
import { apiClient, ApiClient, execution, strategy } from '@throughline/api-client';
import { Actor, mintDevToken } from '@throughline/service-kit';
import { DEMO_ORGANISATION, DEMO_PEOPLE, DEMO_UNITS, DemoUnit, demoPerson } from './demo-organisation';
import {
  DEMO_CURRENCY,
  DEMO_GOALS,
  DEMO_HISTORY_DAYS,
  DEMO_UNLINKED_TASKS,
  DemoGoal,
  DemoKeyResult,
  DemoRisk,
  PersonKey,
  TaskStep,
} from './demo-story';

export interface DemoTargets {
  strategyUrl: string;
  executionUrl: string;
  /** How long to wait for execution to turn activated goals into tasks (it hears them through Kafka). */
  timeoutMs?: number;
}

/** What one load added: all zero when the demo was already there. */
export interface DemoLoadSummary {
  organisationCreated: boolean;
  people: number;
  goals: number;
  keyResults: number;
  deliverables: number;
  risks: number;
  /** Status, progress, cost, hours and quality reports on tasks (and tasks managers added). */
  taskReports: number;
  checkIns: number;
  /** The company goal's first day: the history runs from there to the day of the first load. */
  since: string;
}

export function describeDemoLoad(summary: DemoLoadSummary): string {
  const added = [
    summary.people && `${summary.people} people`,
    summary.goals && `${summary.goals} goals`,
    summary.keyResults && `${summary.keyResults} key results`,
    summary.deliverables && `${summary.deliverables} deliverables (tasks of the four managers)`,
    summary.risks && `${summary.risks} risks`,
    summary.taskReports && `${summary.taskReports} task reports (status, progress, costs, hours, quality)`,
    summary.checkIns && `${summary.checkIns} key-result check-ins`,
  ].filter(Boolean);
  return added.length === 0
    ? `the demo organisation ${DEMO_ORGANISATION.name} is loaded already; nothing changed`
    : `loaded the demo organisation ${DEMO_ORGANISATION.name}: ${added.join(', ')}; history from ${summary.since}`;
}

interface CallResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The call's answer when its status is one of `expected`; otherwise an error naming the step and the problem. */
async function answer<T>(call: Promise<CallResult<T>>, what: string, ...expected: number[]): Promise<CallResult<T>> {
  const result = await call;
  if (!expected.includes(result.response.status))
    throw new Error(
      `Loading the demo: ${what} answered ${result.response.status}: ${JSON.stringify(result.error ?? result.data)}`,
    );
  return result;
}

async function ok<T>(call: Promise<CallResult<T>>, what: string, status = 200): Promise<T> {
  return (await answer(call, what, status)).data as T;
}

const ifMatch = (version: number) => ({ 'If-Match': `"${version}"` });
const minor = (euros: number) => Math.round(euros * 100);

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`Loading the demo: ${what} did not happen within ${timeoutMs / 1000} s.`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Where a load stands: the story's calendar, the people's clients, what it added so far. */
interface Load {
  day(offset: number): string;
  as(key: PersonKey): Promise<{ strategy: ApiClient; execution: ApiClient }>;
  timeoutMs: number;
  summary: DemoLoadSummary;
}

/**
 * Loads the demo organisation and its "new product launch" through the public APIs, as its
 * people would (an admin, the directors, the managers, with development tokens). Every step is
 * skipped when already done — found by id, by name, or, for what managers reported on a task, by
 * the reports the task's history already holds — so running it again changes nothing, and a
 * load that was interrupted goes on where it stopped.
 */
export async function loadDemoOrganisation(targets: DemoTargets): Promise<DemoLoadSummary> {
  const orgId = DEMO_ORGANISATION.id;
  const clientsFor = async (actor: Actor) => {
    const token = await mintDevToken(actor);
    return {
      strategy: apiClient({ baseUrl: targets.strategyUrl, token }),
      execution: apiClient({ baseUrl: targets.executionUrl, token }),
    };
  };
  const admin = (await clientsFor({ personId: randomUUID(), orgId, role: 'admin' })).strategy;
  const clients = new Map<PersonKey, Promise<{ strategy: ApiClient; execution: ApiClient }>>();
  const summary: DemoLoadSummary = {
    organisationCreated: false,
    people: 0,
    goals: 0,
    keyResults: 0,
    deliverables: 0,
    risks: 0,
    taskReports: 0,
    checkIns: 0,
    since: '',
  };

  const unitIds = await loadOrganisation(admin, summary);

  // The first load puts the company goal's day 0 three months back; later loads read it from the goal.
  const existingGoals = (await ok(strategy.goalsList({ client: admin, query: { limit: 200 } }), 'listing goals')).items;
  const dayZero =
    existingGoals.find((goal) => goal.title === DEMO_GOALS[0].title)?.periodStart ??
    addDays(new Date().toISOString().slice(0, 10), -DEMO_HISTORY_DAYS);
  summary.since = dayZero;
  const load: Load = {
    day: (offset) => addDays(dayZero, offset),
    as: (key) => {
      if (!clients.has(key)) {
        const { id, role } = demoPerson(key);
        clients.set(key, clientsFor({ personId: id, orgId, role }));
      }
      return clients.get(key)!;
    },
    timeoutMs: targets.timeoutMs ?? 120_000,
    summary,
  };

  const goalIds = new Map<string, string>();
  for (const goal of DEMO_GOALS) {
    const owner = (await load.as(goal.owner)).strategy;
    let goalId = existingGoals.find((candidate) => candidate.title === goal.title)?.id;
    if (!goalId) {
      goalId = await createGoal(goal, owner, unitIds, goalIds, load);
      summary.goals++;
    }
    goalIds.set(goal.key, goalId);
    await planAndActivate(goal, goalId, owner, load);
  }
  // Three months of work on each goal: check-ins, reports on the tasks made from its deliverables;
  // last, the owner raises the risk that has just come up.
  for (const goal of DEMO_GOALS) await work(goal, goalIds.get(goal.key)!, load);
  for (const unlinked of DEMO_UNLINKED_TASKS) {
    const manager = (await load.as(unlinked.manager)).execution;
    const mine = (
      await ok(execution.tasksList({ client: manager, query: { linked: false, limit: 200 } }), 'listing unlinked tasks')
    ).items;
    let task = mine.find((candidate) => candidate.title === unlinked.title);
    if (!task) {
      task = await ok(
        execution.tasksCreate({
          client: manager,
          body: {
            title: unlinked.title,
            linkedGoalId: null,
            unlinkedReason: unlinked.reason,
            dueDate: load.day(unlinked.dueDay),
            plannedCostMinor: minor(unlinked.euros),
            currency: DEMO_CURRENCY,
          },
        }),
        `adding the task ${unlinked.title}`,
        201,
      );
      summary.taskReports++;
    }
    summary.taskReports += await report(task.id, unlinked.manager, unlinked.steps, manager, load);
  }
  return summary;
}

/** The organisation, its units and its people; answers the units' ids. */
async function loadOrganisation(admin: ApiClient, summary: DemoLoadSummary): Promise<Record<DemoUnit, string>> {
  const organisation = await answer(
    strategy.organisationsCreate({ client: admin, body: { name: DEMO_ORGANISATION.name } }),
    'creating the organisation',
    201,
    409,
  );
  summary.organisationCreated = organisation.response.status === 201;
  const units = await ok(strategy.orgUnitsList({ client: admin, query: { limit: 200 } }), 'listing units');
  const unitIds = {} as Record<DemoUnit, string>;
  for (const [key, unit] of Object.entries(DEMO_UNITS) as Array<[DemoUnit, (typeof DEMO_UNITS)[DemoUnit]]>) {
    unitIds[key] =
      units.items.find((candidate) => candidate.name === unit.name)?.id ??
      (
        await ok(
          strategy.orgUnitsCreate({
            client: admin,
            body: { name: unit.name, ...(unit.parent ? { parentOrgUnitId: unitIds[unit.parent] } : {}) },
          }),
          `creating the unit ${unit.name}`,
          201,
        )
      ).id;
  }
  for (const someone of DEMO_PEOPLE) {
    const created = await answer(
      strategy.peopleCreate({
        client: admin,
        body: {
          id: someone.id,
          name: someone.name,
          email: someone.email,
          role: someone.role,
          orgUnitId: unitIds[someone.unit],
          ...(someone.reportsTo ? { reportsToId: demoPerson(someone.reportsTo).id } : {}),
        },
      }),
      `adding ${someone.name}`,
      201,
      409,
    );
    if (created.response.status === 201) summary.people++;
  }
  return unitIds;
}

async function createGoal(
  goal: DemoGoal,
  owner: ApiClient,
  unitIds: Record<DemoUnit, string>,
  goalIds: Map<string, string>,
  load: Load,
): Promise<string> {
  const created = await ok(
    strategy.goalsCreate({
      client: owner,
      body: {
        title: goal.title,
        description: goal.description,
        ownerId: demoPerson(goal.owner).id,
        orgUnitId: unitIds[goal.unit],
        ...(goal.parent ? { parentGoalId: goalIds.get(goal.parent) } : {}),
        periodStart: load.day(goal.startDay),
        periodEnd: load.day(goal.endDay),
        ...(goal.weight ? { weight: goal.weight } : {}),
        budget: { currency: DEMO_CURRENCY, amountMinor: minor(goal.euros) },
      },
    }),
    `creating the goal ${goal.title}`,
    201,
  );
  return created.id;
}

/** A draft goal's missing key results, budget split, deliverables and risks, then its activation. */
async function planAndActivate(goal: DemoGoal, goalId: string, owner: ApiClient, load: Load): Promise<void> {
  const detail = await ok(strategy.goalsGet({ client: owner, path: { goalId } }), `reading ${goal.title}`);
  if (detail.status !== 'draft') return;
  for (const keyResult of goal.keyResults) {
    if (detail.keyResults.some((existing) => existing.name === keyResult.name)) continue;
    const { name, category, unit, baseline, target, direction } = keyResult;
    await ok(
      strategy.keyResultsAdd({
        client: owner,
        path: { goalId },
        body: { name, category, unit, baseline, target, direction },
      }),
      `adding the key result ${name}`,
      201,
    );
    load.summary.keyResults++;
  }
  if (goal.allocations) {
    const budget = await ok(strategy.budgetsCurrent({ client: owner, path: { goalId } }), 'reading the budget');
    if (budget.allocations.length === 0)
      await ok(
        strategy.budgetsRevise({
          client: owner,
          path: { goalId },
          headers: ifMatch(budget.revision),
          body: {
            totalMinor: minor(goal.euros),
            allocations: Object.entries(goal.allocations.euros).map(([key, euros]) => ({
              managerId: demoPerson(key).id,
              amountMinor: minor(euros!),
            })),
            reason: goal.allocations.reason,
          },
        }),
        `splitting the budget of ${goal.title}`,
      );
  }
  for (const deliverable of goal.deliverables) {
    if (detail.deliverables.some((existing) => existing.title === deliverable.title)) continue;
    await ok(
      strategy.deliverablesAdd({
        client: owner,
        path: { goalId },
        body: {
          title: deliverable.title,
          managerId: demoPerson(deliverable.manager).id,
          dueDate: load.day(deliverable.dueDay),
          weight: deliverable.weight,
          budgetMinor: minor(deliverable.euros),
        },
      }),
      `adding the deliverable ${deliverable.title}`,
      201,
    );
    load.summary.deliverables++;
  }
  for (const risk of goal.risks.filter((candidate) => !candidate.raisedLast))
    await raiseRisk(risk, goalId, detail.risks, owner, load);
  const current = await ok(strategy.goalsGet({ client: owner, path: { goalId } }), `reading ${goal.title}`);
  await ok(
    strategy.goalsActivate({ client: owner, path: { goalId }, headers: ifMatch(current.version) }),
    `activating ${goal.title}`,
  );
}

/** A risk raised (unless it is there) and moved to its status in the story (unless it has moved). */
async function raiseRisk(
  risk: DemoRisk,
  goalId: string,
  existing: Array<{ id: string; title: string; status: string; version: number }>,
  owner: ApiClient,
  load: Load,
): Promise<void> {
  let raised = existing.find((candidate) => candidate.title === risk.title);
  if (!raised) {
    raised = await ok(
      strategy.risksRaise({
        client: owner,
        path: { goalId },
        body: {
          title: risk.title,
          likelihood: risk.likelihood,
          impact: risk.impact,
          ownerId: demoPerson(risk.owner).id,
          ...(risk.mitigation ? { mitigation: risk.mitigation } : {}),
        },
      }),
      `raising the risk ${risk.title}`,
      201,
    );
    load.summary.risks++;
  }
  if (raised.status === 'open' && risk.status !== 'open')
    await ok(
      strategy.risksUpdate({
        client: owner,
        path: { goalId, riskId: raised.id },
        headers: ifMatch(raised.version),
        body: { status: risk.status },
      }),
      `marking the risk ${risk.title} ${risk.status}`,
    );
}

/** The three months on an active goal: its tasks, once execution has made them; check-ins; reports; the late risk. */
async function work(goal: DemoGoal, goalId: string, load: Load): Promise<void> {
  const owner = (await load.as(goal.owner)).strategy;
  const detail = await ok(strategy.goalsGet({ client: owner, path: { goalId } }), `reading ${goal.title}`);
  const taskIds: string[] = [];
  for (const deliverable of goal.deliverables) {
    const manager = (await load.as(deliverable.manager)).execution;
    const deliverableId = detail.deliverables.find((candidate) => candidate.title === deliverable.title)!.id;
    const task = await until(
      async () =>
        (
          await ok(
            execution.tasksList({ client: manager, query: { goalId, limit: 200 } }),
            `listing ${deliverable.manager}'s tasks`,
          )
        ).items.find((candidate) => candidate.deliverableId === deliverableId),
      `the task for "${deliverable.title}"`,
      load.timeoutMs,
    );
    taskIds.push(task.id);
  }
  for (const keyResult of goal.keyResults) {
    const keyResultId = detail.keyResults.find((candidate) => candidate.name === keyResult.name)!.id;
    await checkIns(keyResult, keyResultId, goalId, load);
  }
  for (const [i, deliverable] of goal.deliverables.entries())
    load.summary.taskReports += await report(
      taskIds[i],
      deliverable.manager,
      deliverable.steps,
      (await load.as(deliverable.manager)).execution,
      load,
    );
  for (const risk of goal.risks.filter((candidate) => candidate.raisedLast))
    await raiseRisk(risk, goalId, detail.risks, owner, load);
}

/** A key result's measurements on their days, those not checked in yet. */
async function checkIns(keyResult: DemoKeyResult, keyResultId: string, goalId: string, load: Load): Promise<void> {
  const manager = (await load.as(keyResult.checkedInBy)).execution;
  // Execution takes check-ins once it has heard of the key result.
  await until(
    async () =>
      (
        await ok(execution.keyResultsList({ client: manager, query: { goalId, limit: 200 } }), 'listing key results')
      ).items.find((candidate) => candidate.keyResultId === keyResultId),
    `execution hearing of the key result ${keyResult.name}`,
    load.timeoutMs,
  );
  const done = (
    await ok(
      execution.keyResultsListCheckIns({ client: manager, path: { keyResultId }, query: { limit: 200 } }),
      `listing the check-ins of ${keyResult.name}`,
    )
  ).items;
  for (const measurement of keyResult.checkIns) {
    const measuredOn = load.day(measurement.day);
    if (done.some((existing) => existing.measuredOn === measuredOn)) continue;
    await ok(
      execution.keyResultsCheckIn({
        client: manager,
        path: { keyResultId },
        body: { value: measurement.value, measuredOn, ...(measurement.note ? { note: measurement.note } : {}) },
      }),
      `checking in ${keyResult.name}`,
      201,
    );
    load.summary.checkIns++;
  }
}

/**
 * Reports what the story says a manager reported on a task, from where the task's history stands:
 * each report is one history line by the manager, so the ones already there are skipped.
 */
async function report(
  taskId: string,
  manager: PersonKey,
  steps: TaskStep[],
  client: ApiClient,
  load: Load,
): Promise<number> {
  const task = await ok(execution.tasksGet({ client, path: { taskId } }), 'reading a task');
  const managerId = demoPerson(manager).id;
  const reported = task.history.filter((entry) => entry.actorId === managerId && entry.change !== 'created').length;
  let version = task.version;
  for (const step of steps.slice(reported)) {
    const path = { taskId };
    const headers = ifMatch(version);
    const what = `${manager} reporting ${step.kind} on "${task.title}"`;
    switch (step.kind) {
      case 'status':
        version = (
          await ok(
            execution.tasksChangeStatus({
              client,
              path,
              headers,
              body: { to: step.to, ...(step.reason ? { reason: step.reason } : {}) },
            }),
            what,
          )
        ).version;
        break;
      case 'progress':
        version = (
          await ok(
            execution.tasksReportProgress({
              client,
              path,
              headers,
              body: { progress: step.progress, note: step.note },
            }),
            what,
          )
        ).version;
        break;
      case 'cost':
        version = (
          await ok(
            execution.tasksRecordCost({
              client,
              path,
              headers,
              body: {
                amountMinor: minor(step.euros),
                currency: DEMO_CURRENCY,
                description: step.description,
                incurredOn: load.day(step.day),
              },
            }),
            what,
            201,
          )
        ).task.version;
        break;
      case 'hours':
        version = (
          await ok(
            execution.tasksRecordHours({
              client,
              path,
              headers,
              body: { minutes: step.hours * 60, workedOn: load.day(step.day), note: step.note },
            }),
            what,
            201,
          )
        ).task.version;
        break;
      case 'quality-issue':
        version = (
          await ok(
            execution.tasksRecordQualityIssue({
              client,
              path,
              headers,
              body: { kind: step.issue, severity: step.severity, description: step.description },
            }),
            what,
            201,
          )
        ).task.version;
        break;
    }
  }
  return Math.max(0, steps.length - reported);
}

// `npm run demo`: loads the demo into services that run elsewhere (docker compose, with development tokens on).
if (require.main === module) {
  loadDemoOrganisation({
    strategyUrl: process.env.STRATEGY_URL ?? 'http://127.0.0.1:3001',
    executionUrl: process.env.EXECUTION_URL ?? 'http://127.0.0.1:3002',
  }).then(
    (summary) => console.log(describeDemoLoad(summary)),
    (error) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
