import { randomUUID } from 'node:crypto';
import Papa from 'papaparse';
import {
  exampleKeyResult,
  GoalActivatedV1,
  KeyResultAddedV1,
  PersonCreatedV1,
  KeyResultCheckedInV1,
  TASK_STATUSES,
  TaskCostRecordedV1,
  TaskCreatedV1,
  TaskHoursRecordedV1,
  TaskProgressReportedV1,
  TaskQualityIssueRecordedV1,
  TaskStatus,
  TaskStatusChangedV1,
} from '@throughline/contracts';
import { ApiClient, waitFor, ExecutionTestKit, launchGoal, person } from '@throughline/testing';
import { AppModule } from '../src/app.module';
import { executionDatabase } from '../src/database/execution-database';

/** The manager's API over the real database and broker: rules, validation, authorisation, and one event per change. */
describe('execution: the manager API', () => {
  const orgId = randomUUID();
  const director = person(orgId, 'director');
  const mia = person(orgId, 'manager');
  const noah = person(orgId, 'manager');
  const integrator = person(orgId, 'integrator');
  let kit: ExecutionTestKit;
  let asMia: ApiClient;
  let asNoah: ApiClient;
  let goal: ReturnType<typeof launchGoal>;
  let otherGoal: ReturnType<typeof launchGoal>;
  let keyResultId: string;
  let otherKeyResultId: string;

  beforeAll(async () => {
    kit = await ExecutionTestKit.start(AppModule, executionDatabase);
    goal = launchGoal(director.personId, [
      { managerId: mia.personId, title: 'Pilot production run', dueDate: '2020-01-31', budgetMinor: 5_000_000 },
      { managerId: mia.personId, title: 'Tooling', dueDate: '2099-12-31', budgetMinor: 1_000_000 },
      { managerId: noah.personId, title: 'Launch campaign', dueDate: '2099-06-30', budgetMinor: 2_000_000 },
    ]);
    otherGoal = launchGoal(director.personId, [{ managerId: noah.personId, title: 'Dealer training' }]);
    keyResultId = randomUUID();
    otherKeyResultId = randomUUID();
    // Mia and Noah report to the director, who therefore sees their work.
    const people = [
      [director, null],
      [mia, director.personId],
      [noah, director.personId],
    ] as const;
    const sent = [
      ...(await Promise.all(
        people.map(([actor, reportsToId], index) =>
          kit.publish(
            PersonCreatedV1,
            {
              personId: actor.personId,
              name: `Person ${index}`,
              email: `person${index}@example.com`,
              role: actor.role,
              orgUnitId: null,
              reportsToId,
              active: true,
              version: 1,
            },
            orgId,
          ),
        ),
      )),
      await kit.publish(GoalActivatedV1, goal, orgId),
      await kit.publish(GoalActivatedV1, otherGoal, orgId),
      await kit.publish(KeyResultAddedV1, { ...exampleKeyResult, keyResultId, goalId: goal.goalId }, orgId),
      await kit.publish(
        KeyResultAddedV1,
        { ...exampleKeyResult, keyResultId: otherKeyResultId, goalId: otherGoal.goalId, name: 'Dealers trained' },
        orgId,
      ),
    ];
    await kit.processed(...sent.map((event) => event.envelope.id));
    asMia = await kit.api(mia);
    asNoah = await kit.api(noah);
  });
  afterAll(async () => {
    await kit?.stop();
  });

  const miaTask = async (title: string) =>
    (await asMia.get('/v1/tasks?limit=200')).body.items.find((task: { title: string }) => task.title === title);
  const newTask = async (title: string) => {
    const created = await asMia.post('/v1/tasks', { title, linkedGoalId: goal.goalId, dueDate: '2099-01-01' });
    expect(created.status).toBe(201);
    return created.body;
  };
  /** Brings a fresh task to a status along legal moves; returns its id and version. */
  const taskIn = async (status: TaskStatus): Promise<{ id: string; version: number }> => {
    const path: Record<TaskStatus, Array<[TaskStatus, string?]>> = {
      todo: [],
      in_progress: [['in_progress']],
      blocked: [['in_progress'], ['blocked', 'Waiting for parts']],
      done: [['in_progress'], ['done']],
      cancelled: [['cancelled', 'Not needed']],
    };
    const task = await newTask(`In ${status} ${randomUUID().slice(0, 8)}`);
    let version = task.version;
    for (const [to, reason] of path[status]) {
      const moved = await asMia.post(`/v1/tasks/${task.id}/status`, { to, reason }, { 'if-match': `"${version}"` });
      expect(moved.status).toBe(200);
      version = moved.body.version;
    }
    return { id: task.id, version };
  };

  describe('reading', () => {
    it('shows a manager only their own tasks, with filters and pagination', async () => {
      const mine = await asMia.get(`/v1/tasks?goalId=${goal.goalId}&status=todo&limit=1`);
      expect(mine.status).toBe(200);
      expect(mine.body.page).toEqual({ limit: 1, offset: 0, total: 2 });
      expect(mine.body.items[0]).toMatchObject({ title: 'Pilot production run', managerId: mia.personId });
      const second = await asMia.get(`/v1/tasks?goalId=${goal.goalId}&status=todo&limit=1&offset=1`);
      expect(second.body.items[0].title).toBe('Tooling');
      // A manager cannot widen the list to someone else's tasks.
      const widened = await asMia.get(`/v1/tasks?managerId=${noah.personId}&goalId=${goal.goalId}`);
      expect(widened.body.items.map((task: { managerId: string }) => task.managerId)).toEqual([
        mia.personId,
        mia.personId,
      ]);
      expect(
        (await asMia.get(`/v1/tasks?goalId=${goal.goalId}&overdue=true`)).body.items.map(
          (task: { title: string }) => task.title,
        ),
      ).toEqual(['Pilot production run']);
      expect(
        (await asMia.get(`/v1/tasks?goalId=${goal.goalId}&overdue=false`)).body.items.map(
          (task: { title: string }) => task.title,
        ),
      ).toEqual(['Tooling']);
      expect(
        (await asMia.get(`/v1/tasks?goalId=${goal.goalId}&dueBefore=2099-12-31`)).body.items.map(
          (task: { title: string }) => task.title,
        ),
      ).toEqual(['Pilot production run']);
    });

    it("lets directors read their reporting line's work and integrators the organisation's, and hides other organisations", async () => {
      const asDirector = await kit.api(director);
      const all = await asDirector.get(`/v1/tasks?goalId=${goal.goalId}`);
      expect(all.body.page.total).toBe(3);
      expect(
        (await asDirector.get(`/v1/tasks?goalId=${goal.goalId}&managerId=${noah.personId}`)).body.items.map(
          (task: { title: string }) => task.title,
        ),
      ).toEqual(['Launch campaign']);
      const asIntegrator = await kit.api(integrator);
      const noahTask = all.body.items.find((task: { managerId: string }) => task.managerId === noah.personId);
      expect((await asIntegrator.get(`/v1/tasks/${noahTask.id}`)).status).toBe(200);
      // A director to whom nobody reports sees none of it, in a list or by id.
      const sideline = await kit.api(person(orgId, 'director'));
      expect((await sideline.get(`/v1/tasks/${noahTask.id}`)).status).toBe(404);
      expect((await sideline.get(`/v1/tasks?goalId=${goal.goalId}`)).body.page.total).toBe(0);
      const outsider = await kit.api(person(randomUUID(), 'director'));
      expect((await outsider.get(`/v1/tasks/${noahTask.id}`)).status).toBe(404);
      expect((await outsider.get(`/v1/tasks?goalId=${goal.goalId}`)).body.page.total).toBe(0);
    });

    it('exports the tasks each reader may see as CSV, with the list filters, and the same rows as XLSX', async () => {
      const asDirector = await kit.api(director);
      const listed = (await asDirector.get(`/v1/tasks?goalId=${goal.goalId}`)).body.items;
      const csv = await asDirector.get(`/v1/tasks/export?goalId=${goal.goalId}&format=csv`);
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-disposition')).toBe('attachment; filename="throughline-tasks.csv"');
      const rows = Papa.parse<Record<string, string>>(String(csv.body).replace(/^\uFEFF/, ''), {
        header: true,
        skipEmptyLines: true,
      }).data;
      expect(rows.map((row) => [row.id, row.title, row.status, Number(row.plannedCostMinor)]).sort()).toEqual(
        listed.map((task: any) => [task.id, task.title, task.status, task.plannedCostMinor]).sort(),
      );
      const own = Papa.parse<Record<string, string>>(
        String((await asMia.get('/v1/tasks/export')).body).replace(/^\uFEFF/, ''),
        {
          header: true,
          skipEmptyLines: true,
        },
      ).data;
      expect(new Set(own.map((row) => row.managerId))).toEqual(new Set([mia.personId]));
      const xlsx = await (await kit.api(director)).get(`/v1/tasks/export?goalId=${goal.goalId}&format=xlsx`);
      expect(xlsx.status).toBe(200);
      expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
      expect((await asMia.get('/v1/tasks/export?format=pdf')).status).toBe(400);
    });

    it('refuses bad filters with 400 naming the field', async () => {
      const response = await asMia.get('/v1/tasks?status=finished&overdue=yes&dueBefore=31.12.2026&colour=red');
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body.errors.map((error: { field: string }) => error.field)).toEqual(
        expect.arrayContaining(['status', 'overdue', 'dueBefore', 'colour']),
      );
    });
  });

  describe('status changes along the state machine', () => {
    const legal: Array<[TaskStatus, TaskStatus]> = [
      ['todo', 'in_progress'],
      ['todo', 'cancelled'],
      ['in_progress', 'blocked'],
      ['in_progress', 'done'],
      ['in_progress', 'cancelled'],
      ['blocked', 'in_progress'],
      ['blocked', 'cancelled'],
    ];
    const illegal = TASK_STATUSES.flatMap((from) =>
      TASK_STATUSES.map((to) => [from, to] as [TaskStatus, TaskStatus]),
    ).filter(([from, to]) => !legal.some(([f, t]) => f === from && t === to));

    it.each(legal)('allows %s → %s, publishing one status-changed event', async (from, to) => {
      const task = await taskIn(from);
      const moved = await asMia.post(
        `/v1/tasks/${task.id}/status`,
        { to, reason: 'Because the plan changed' },
        { 'if-match': `"${task.version}"` },
      );
      expect(moved.status).toBe(200);
      expect(moved.headers.get('etag')).toBe(`"${task.version + 1}"`);
      expect(moved.body).toMatchObject({ status: to, version: task.version + 1, progress: to === 'done' ? 100 : 0 });
      const [event] = await kit.collector.waitForType(
        TaskStatusChangedV1.type,
        1,
        (entry) => entry.event.data.taskId === task.id && entry.event.data.taskVersion === task.version + 1,
      );
      expect(event.key).toBe(goal.goalId);
      expect(
        kit.published(
          TaskStatusChangedV1.type,
          (entry) => entry.event.data.taskId === task.id && entry.event.data.taskVersion === task.version + 1,
        )[0].parsed.data,
      ).toMatchObject({ from, to, changedBy: mia.personId });
    });

    it.each(illegal)('refuses %s → %s with 409 and changes nothing', async (from, to) => {
      const task = await taskIn(from);
      const refused = await asMia.post(
        `/v1/tasks/${task.id}/status`,
        { to, reason: 'Trying' },
        { 'if-match': `"${task.version}"` },
      );
      expect(refused.status).toBe(409);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.body.detail).toContain(`cannot move from ${from} to ${to}`);
      expect((await asMia.get(`/v1/tasks/${task.id}`)).body).toMatchObject({ status: from, version: task.version });
    });

    it('needs a reason to block, If-Match on every change (428 without, 412 when stale), and records the history', async () => {
      const task = await taskIn('in_progress');
      const noReason = await asMia.post(
        `/v1/tasks/${task.id}/status`,
        { to: 'blocked' },
        { 'if-match': `"${task.version}"` },
      );
      expect(noReason.status).toBe(422);
      expect(noReason.body.errors).toEqual([{ field: 'reason', message: 'required when moving to blocked' }]);
      expect((await asMia.post(`/v1/tasks/${task.id}/status`, { to: 'blocked', reason: 'Parts late' })).status).toBe(
        428,
      );
      expect(
        (
          await asMia.post(
            `/v1/tasks/${task.id}/status`,
            { to: 'blocked', reason: 'Parts late' },
            { 'if-match': '"1"' },
          )
        ).status,
      ).toBe(412);
      const blocked = await asMia.post(
        `/v1/tasks/${task.id}/status`,
        { to: 'blocked', reason: 'Parts late' },
        { 'if-match': `"${task.version}"` },
      );
      expect(blocked.body).toMatchObject({ status: 'blocked', blockedReason: 'Parts late' });
      const read = await asMia.get(`/v1/tasks/${task.id}`);
      expect(read.headers.get('etag')).toBe(`"${task.version + 1}"`);
      expect(
        read.body.history.map((entry: { change: string; details: { to?: string } }) => [
          entry.change,
          entry.details.to ?? null,
        ]),
      ).toEqual([
        ['created', null],
        ['status', 'in_progress'],
        ['status', 'blocked'],
      ]);
      expect(read.body.history[2]).toMatchObject({ actorId: mia.personId, details: { reason: 'Parts late' } });
    });
  });

  describe('reports on a task', () => {
    it('takes progress 0–100 on open work, one event each, and refuses 101, fractions, unknown fields and done tasks', async () => {
      const task = await miaTask('Tooling');
      const reported = await asMia.post(
        `/v1/tasks/${task.id}/progress`,
        { progress: 60, note: 'Moulds ordered' },
        { 'if-match': `"${task.version}"` },
      );
      expect(reported.status).toBe(200);
      expect(reported.body).toMatchObject({ progress: 60, version: task.version + 1 });
      for (const bad of [
        { progress: 101 },
        { progress: -1 },
        { progress: 50.5 },
        { progress: '50' },
        { progress: 50, percent: 50 },
      ]) {
        const refused = await asMia.post(`/v1/tasks/${task.id}/progress`, bad, { 'if-match': `"${task.version + 1}"` });
        expect(refused.status).toBe(400);
      }
      const done = await taskIn('done');
      const onDone = await asMia.post(
        `/v1/tasks/${done.id}/progress`,
        { progress: 90 },
        { 'if-match': `"${done.version}"` },
      );
      expect(onDone.status).toBe(409);
      expect(onDone.body.detail).toMatch(/done task is at 100/);
      const [event] = await kit.collector.waitForType(
        TaskProgressReportedV1.type,
        1,
        (entry) => entry.event.data.taskId === task.id,
      );
      expect(kit.published(TaskProgressReportedV1.type, (entry) => entry.event.data.taskId === task.id)).toHaveLength(
        1,
      );
      expect(event.key).toBe(goal.goalId);
      expect(event.event.data).toMatchObject({
        progress: 60,
        note: 'Moulds ordered',
        reportedBy: mia.personId,
        taskVersion: task.version + 1,
      });
      expect((await asMia.get(`/v1/tasks/${task.id}`)).body).toMatchObject({ progress: 60, version: task.version + 1 });
    });

    it('books exact costs in the goal budget currency and refuses wrong currency, negative, fractional or future amounts', async () => {
      const task = await miaTask('Pilot production run');
      const ifMatch = { 'if-match': `"${task.version}"` };
      const cases: Array<[Record<string, unknown>, number, string]> = [
        [{ amountMinor: 1_250_000, currency: 'USD', description: 'Moulds', incurredOn: '2026-01-09' }, 422, 'currency'],
        [{ amountMinor: -5, currency: 'EUR', description: 'Moulds', incurredOn: '2026-01-09' }, 400, 'amountMinor'],
        [{ amountMinor: 12.5, currency: 'EUR', description: 'Moulds', incurredOn: '2026-01-09' }, 400, 'amountMinor'],
        [
          { amountMinor: '1250000', currency: 'EUR', description: 'Moulds', incurredOn: '2026-01-09' },
          400,
          'amountMinor',
        ],
        [{ amountMinor: 1_250_000, currency: 'eur', description: 'Moulds', incurredOn: '2026-01-09' }, 400, 'currency'],
        [
          { amountMinor: 1_250_000, currency: 'EUR', description: 'Moulds', incurredOn: '2999-01-01' },
          422,
          'incurredOn',
        ],
        [
          { amountMinor: 1_250_000, currency: 'EUR', description: 'Moulds', incurredOn: '2026-01-09', vat: 20 },
          400,
          'vat',
        ],
        [{ amountMinor: 1_250_000, currency: 'EUR', description: '   ', incurredOn: '2026-01-09' }, 400, 'description'],
      ];
      for (const [body, status, field] of cases) {
        const refused = await asMia.post(`/v1/tasks/${task.id}/costs`, body, ifMatch);
        expect([refused.status, refused.body.errors?.map((error: { field: string }) => error.field)]).toEqual([
          status,
          expect.arrayContaining([field]),
        ]);
      }
      const first = await asMia.post(
        `/v1/tasks/${task.id}/costs`,
        { amountMinor: 1_250_000, currency: 'EUR', description: 'Injection moulds', incurredOn: '2026-01-09' },
        ifMatch,
      );
      expect(first.status).toBe(201);
      const second = await asMia.post(
        `/v1/tasks/${task.id}/costs`,
        { amountMinor: 1, currency: 'EUR', description: 'Bank fee', incurredOn: '2026-01-10' },
        { 'if-match': first.headers.get('etag')! },
      );
      expect(second.body.task).toMatchObject({ actualCostMinor: 1_250_001, version: task.version + 2 });
      const events = await kit.collector.waitForType(
        TaskCostRecordedV1.type,
        2,
        (entry) => entry.event.data.taskId === task.id,
      );
      expect(
        kit
          .published(TaskCostRecordedV1.type, (entry) => entry.event.data.taskId === task.id)
          .map((entry) => [
            entry.key,
            entry.parsed.data.entryId,
            entry.parsed.data.amountMinor,
            entry.parsed.data.currency,
          ]),
      ).toEqual([
        [goal.goalId, first.body.entryId, 1_250_000, 'EUR'],
        [goal.goalId, second.body.entryId, 1, 'EUR'],
      ]);
      expect(events).toHaveLength(2);
    });

    it('applies one of several changes sent at once with the same If-Match: the others answer 412 and leave no entry, history or event', async () => {
      const task = await taskIn('in_progress');
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, index) =>
          asMia.post(
            `/v1/tasks/${task.id}/costs`,
            { amountMinor: 100 + index, currency: 'EUR', description: `Attempt ${index}`, incurredOn: '2026-01-09' },
            { 'if-match': `"${task.version}"` },
          ),
        ),
      );
      const applied = answers.filter((answer) => answer.status === 201);
      expect(answers.map((answer) => answer.status).sort()).toEqual([201, 412, 412, 412, 412, 412, 412, 412]);
      const winner = applied[0].body;
      expect(winner.task).toMatchObject({ actualCostMinor: winner.task.actualCostMinor, version: task.version + 1 });
      const entries = await kit.service.dataSource.query(
        `SELECT id, amount_minor FROM task_cost_entry WHERE task_id = $1`,
        [task.id],
      );
      expect(entries).toEqual([{ id: winner.entryId, amount_minor: String(winner.task.actualCostMinor) }]);
      const read = await asMia.get(`/v1/tasks/${task.id}`);
      expect(read.body.history.filter((entry: { change: string }) => entry.change === 'cost')).toHaveLength(1);
      await kit.collector.waitForType(TaskCostRecordedV1.type, 1, (entry) => entry.event.data.taskId === task.id);
      const audited = await kit.service.dataSource.query(
        `SELECT count(*)::int AS n FROM outbox_event WHERE event_type = $1 AND envelope->'data'->>'taskId' = $2`,
        [TaskCostRecordedV1.type, task.id],
      );
      expect(audited[0].n).toBe(1);
    });

    it('books hours as whole minutes and quality issues with kind and severity', async () => {
      const task = await taskIn('in_progress');
      for (const bad of [
        { minutes: 0, workedOn: '2026-01-09' },
        { minutes: 7.5, workedOn: '2026-01-09' },
        { minutes: 60, workedOn: '2026-02-30' },
        { hours: 2, workedOn: '2026-01-09' },
      ]) {
        expect((await asMia.post(`/v1/tasks/${task.id}/hours`, bad, { 'if-match': `"${task.version}"` })).status).toBe(
          400,
        );
      }
      const hours = await asMia.post(
        `/v1/tasks/${task.id}/hours`,
        { minutes: 450, workedOn: '2026-01-09', note: 'Line set-up' },
        { 'if-match': `"${task.version}"` },
      );
      expect(hours.status).toBe(201);
      expect(hours.body.task.minutesWorked).toBe(450);
      for (const bad of [
        { kind: 'bug', severity: 'high', description: 'x' },
        { kind: 'defect', severity: 'critical', description: 'x' },
        { kind: 'defect', severity: 'high', description: '' },
      ]) {
        expect(
          (await asMia.post(`/v1/tasks/${task.id}/quality-issues`, bad, { 'if-match': hours.headers.get('etag')! }))
            .status,
        ).toBe(400);
      }
      const defect = await asMia.post(
        `/v1/tasks/${task.id}/quality-issues`,
        { kind: 'defect', severity: 'high', description: 'Casing cracks in the drop test' },
        { 'if-match': hours.headers.get('etag')! },
      );
      expect(defect.status).toBe(201);
      expect(defect.body.task).toMatchObject({ qualityIssueCount: 1, version: task.version + 2 });
      const [hoursEvent] = await kit.collector.waitForType(
        TaskHoursRecordedV1.type,
        1,
        (entry) => entry.event.data.taskId === task.id,
      );
      expect(hoursEvent.event.data).toMatchObject({
        entryId: hours.body.entryId,
        minutes: 450,
        workedOn: '2026-01-09',
      });
      const [issueEvent] = await kit.collector.waitForType(
        TaskQualityIssueRecordedV1.type,
        1,
        (entry) => entry.event.data.taskId === task.id,
      );
      expect(issueEvent.event.data).toMatchObject({ issueId: defect.body.entryId, kind: 'defect', severity: 'high' });
      const cancelled = await taskIn('cancelled');
      expect(
        (
          await asMia.post(
            `/v1/tasks/${cancelled.id}/hours`,
            { minutes: 30, workedOn: '2026-01-09' },
            { 'if-match': `"${cancelled.version}"` },
          )
        ).status,
      ).toBe(409);
    });
  });

  describe("a manager's own tasks", () => {
    it('links extra work to an active goal, or records it as unlinked only when asked explicitly, with a reason', async () => {
      expect((await asMia.post('/v1/tasks', { title: '  ', linkedGoalId: goal.goalId })).body.errors).toEqual([
        { field: 'title', message: 'title must not be blank' },
      ]);
      const missingLink = await asMia.post('/v1/tasks', { title: 'Booth' });
      expect(missingLink.status).toBe(400);
      expect(new Set(missingLink.body.errors.map((error: { field: string }) => error.field))).toEqual(
        new Set(['linkedGoalId']),
      );
      expect(missingLink.body.detail).toMatch(/or null to record it as unlinked work/);
      const noReason = await asMia.post('/v1/tasks', { title: 'Booth', linkedGoalId: null, currency: 'EUR' });
      expect([noReason.status, noReason.body.errors]).toEqual([
        422,
        [{ field: 'unlinkedReason', message: 'required when linkedGoalId is null' }],
      ]);
      expect((await asMia.post('/v1/tasks', { title: 'Booth', linkedGoalId: randomUUID() })).status).toBe(422);
      expect(
        (await asMia.post('/v1/tasks', { title: 'Booth', linkedGoalId: goal.goalId, unlinkedReason: 'confused' }))
          .status,
      ).toBe(422);
      expect((await asMia.post('/v1/tasks', { title: 'Booth', linkedGoalId: 'not-a-goal' })).status).toBe(400);

      const unlinked = await asMia.post('/v1/tasks', {
        title: 'Trade-fair booth',
        linkedGoalId: null,
        unlinkedReason: 'Asked by the CEO; no goal covers fairs',
        currency: 'EUR',
        plannedCostMinor: 800_000,
        dueDate: '2099-03-01',
      });
      expect(unlinked.status).toBe(201);
      expect(unlinked.body).toMatchObject({
        goalId: null,
        origin: 'manager',
        unlinkedReason: 'Asked by the CEO; no goal covers fairs',
        currency: 'EUR',
        status: 'todo',
        version: 1,
      });
      const [event] = await kit.collector.waitForType(
        TaskCreatedV1.type,
        1,
        (entry) => entry.event.data.taskId === unlinked.body.id,
      );
      expect(event.key).toBe(mia.personId);
      expect(
        kit.published(TaskCreatedV1.type, (entry) => entry.event.data.taskId === unlinked.body.id)[0].parsed.data,
      ).toMatchObject({
        goalId: null,
        origin: 'manager',
        createdBy: mia.personId,
        unlinkedReason: 'Asked by the CEO; no goal covers fairs',
      });
      const visible = await (await kit.api(director)).get('/v1/tasks?linked=false');
      expect(visible.body.items.map((task: { id: string }) => task.id)).toContain(unlinked.body.id);
    });
  });

  describe('key-result check-ins', () => {
    it('takes a value with a date and a note for a key result of a goal the manager works on, one event each', async () => {
      const listed = await asMia.get('/v1/key-results');
      expect(listed.body.items.map((keyResult: { keyResultId: string }) => keyResult.keyResultId)).toEqual([
        keyResultId,
      ]);
      const checkIn = await asMia.post(`/v1/key-results/${keyResultId}/check-ins`, {
        value: 47.5,
        measuredOn: '2026-02-28',
        note: 'After the supplier renegotiation',
      });
      expect(checkIn.status).toBe(201);
      const [event] = await kit.collector.waitForType(
        KeyResultCheckedInV1.type,
        1,
        (entry) => entry.event.data.checkInId === checkIn.body.id,
      );
      expect(event.key).toBe(goal.goalId);
      expect(
        kit.published(KeyResultCheckedInV1.type, (entry) => entry.event.data.checkInId === checkIn.body.id)[0].parsed
          .data,
      ).toMatchObject({
        keyResultId,
        goalId: goal.goalId,
        managerId: mia.personId,
        value: 47.5,
        measuredOn: '2026-02-28',
      });
      expect((await asMia.get('/v1/key-results')).body.items[0]).toMatchObject({
        latestValue: 47.5,
        latestMeasuredOn: '2026-02-28',
      });
    });

    it('refuses key results of goals without the manager, unknown ones, future dates and bad values', async () => {
      expect(
        (await asMia.post(`/v1/key-results/${otherKeyResultId}/check-ins`, { value: 3, measuredOn: '2026-02-28' }))
          .status,
      ).toBe(403);
      expect(
        (await asMia.post(`/v1/key-results/${randomUUID()}/check-ins`, { value: 3, measuredOn: '2026-02-28' })).status,
      ).toBe(404);
      expect(
        (await asMia.post(`/v1/key-results/${keyResultId}/check-ins`, { value: 3, measuredOn: '2999-02-28' })).status,
      ).toBe(422);
      for (const bad of [
        { value: '3', measuredOn: '2026-02-28' },
        { value: 3 },
        { value: 3, measuredOn: '2026-02-28', unit: 'EUR' },
      ]) {
        expect((await asMia.post(`/v1/key-results/${keyResultId}/check-ins`, bad)).status).toBe(400);
      }
      expect(
        (
          await (
            await kit.api(director)
          ).post(`/v1/key-results/${keyResultId}/check-ins`, { value: 3, measuredOn: '2026-02-28' })
        ).status,
      ).toBe(403);
      expect(
        (await asNoah.post(`/v1/key-results/${otherKeyResultId}/check-ins`, { value: 12, measuredOn: '2026-02-28' }))
          .status,
      ).toBe(201);
    });
  });

  describe('authorisation', () => {
    it("answers 404 to a manager touching another manager's task, 403 to directors and integrators writing, and writes nothing", async () => {
      const task = await miaTask('Tooling');
      const writes: Array<[string, Record<string, unknown>]> = [
        ['status', { to: 'in_progress' }],
        ['progress', { progress: 10 }],
        ['costs', { amountMinor: 100, currency: 'EUR', description: 'x', incurredOn: '2026-01-09' }],
        ['hours', { minutes: 10, workedOn: '2026-01-09' }],
        ['quality-issues', { kind: 'rework', severity: 'low', description: 'x' }],
      ];
      expect((await asNoah.get(`/v1/tasks/${task.id}`)).status).toBe(404);
      for (const [path, body] of writes)
        expect(
          (await asNoah.post(`/v1/tasks/${task.id}/${path}`, body, { 'if-match': `"${task.version}"` })).status,
        ).toBe(404);
      for (const reader of [director, integrator, person(orgId, 'admin')]) {
        const api = await kit.api(reader);
        for (const [path, body] of writes)
          expect(
            (await api.post(`/v1/tasks/${task.id}/${path}`, body, { 'if-match': `"${task.version}"` })).status,
          ).toBe(403);
        expect((await api.post('/v1/tasks', { title: 'x', linkedGoalId: goal.goalId })).status).toBe(403);
      }
      expect((await (await kit.api(null)).get('/v1/tasks')).status).toBe(401);
      const after = await asMia.get(`/v1/tasks/${task.id}`);
      expect(after.body.version).toBe(task.version);
    });
  });

  it('published exactly one event per successful change, each on its schema and keyed by goal (or manager for unlinked work)', async () => {
    // Every task version above 1 is one change, and each change published one event (plus one task.created per task).
    const [counts] = await kit.service.dataSource.query(
      `SELECT count(*)::int AS tasks, coalesce(sum(version - 1), 0)::int AS changes FROM task WHERE org_id = $1`,
      [orgId],
    );
    const [checkIns] = await kit.service.dataSource.query(
      `SELECT count(*)::int AS n FROM key_result_check_in WHERE org_id = $1`,
      [orgId],
    );
    const expected = counts.tasks + counts.changes + checkIns.n;
    await waitFor(() => kit.collector.received.filter((entry) => entry.event.orgid === orgId).length >= expected, {
      what: `${expected} events of the organisation`,
    });
    const ours = kit.collector.received.filter((entry) => entry.event.orgid === orgId);
    expect(ours).toHaveLength(expected);
    const ids = ours.map((entry) => entry.event.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const entry of ours) {
      const event = kit.published(entry.event.type, (candidate) => candidate.event.id === entry.event.id)[0].parsed;
      expect(entry.key).toBe(event.data.goalId ?? event.data.managerId);
    }
    expect(ours.filter((entry) => entry.event.type === KeyResultCheckedInV1.type)).toHaveLength(checkIns.n);
  });
});
