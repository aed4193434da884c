import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import {
  BudgetRevisedV1,
  DeliverableAddedV1,
  GoalActivatedV1,
  GoalCreatedV1,
  KeyResultAddedV1,
  Topics,
} from '@throughline/contracts';
import { Actor, mintDevToken } from '@throughline/service-kit';
import {
  apiAs,
  CollectedEvent,
  expectStatus,
  ifMatch,
  setUpOrganisation,
  TestOrganisation,
  waitFor,
} from '@throughline/testing';
import { startStrategy } from './strategy-fixture';

const CSV = 'text/csv';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

describe('strategy: plans in and out of spreadsheets (real PostgreSQL and Kafka)', () => {
  let strategy: Awaited<ReturnType<typeof startStrategy>>;

  beforeAll(async () => {
    strategy = await startStrategy();
  });
  afterAll(async () => strategy?.stop());

  /** The walkthrough's people (the emails the template uses) in an organisation of their own. */
  async function acme(): Promise<TestOrganisation & { dana: Actor; milo: Actor }> {
    const org = await setUpOrganisation(strategy.service.url, 'Acme Devices');
    const dana = await org.addPerson('director', { email: 'dana@acme.example', orgUnitId: org.companyUnitId });
    const milo = await org.addPerson('manager', { email: 'milo@acme.example', reportsToId: dana.id });
    return {
      ...org,
      dana: { personId: dana.id, orgId: org.orgId, role: 'director' },
      milo: { personId: milo.id, orgId: org.orgId, role: 'manager' },
    };
  }

  async function send(actor: Actor, method: string, path: string, body?: Buffer, contentType = CSV) {
    const response = await fetch(strategy.service.url + path, {
      method,
      headers: {
        authorization: `Bearer ${await mintDevToken(actor)}`,
        ...(body ? { 'content-type': contentType } : {}),
      },
      body,
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    const type = response.headers.get('content-type') ?? '';
    return { status: response.status, type, bytes, json: type.includes('json') ? JSON.parse(bytes.toString()) : null };
  }

  const csv = (rows: string[][]) => Buffer.from(Papa.unparse(rows, { newline: '\r\n' }));
  const HEADER = [
    'kind',
    'goal_ref',
    'parent_goal_ref',
    'title',
    'description',
    'status',
    'owner_email',
    'org_unit',
    'period_start',
    'period_end',
    'weight',
    'currency',
    'amount',
    'category',
    'unit',
    'baseline',
    'target',
    'direction',
    'manager_email',
    'due_date',
  ];
  const row = (cells: Record<string, string>) => HEADER.map((column) => cells[column] ?? '');

  async function csvRows(bytes: Buffer): Promise<Record<string, string>[]> {
    return Papa.parse<Record<string, string>>(bytes.toString('utf8').replace(/^\uFEFF/, ''), {
      header: true,
      skipEmptyLines: true,
    }).data;
  }

  it('imports the downloadable template: a dry run changes nothing, the commit publishes the same events as the API, a second commit is a no-op', async () => {
    const org = await acme();
    const template = await send(org.dana, 'GET', '/v1/plan/template?format=xlsx');
    expect(template.status).toBe(200);
    expect(template.type).toContain(XLSX);

    const dryRun = await send(org.dana, 'POST', '/v1/plan/imports?dryRun=true', template.bytes, XLSX);
    expect(dryRun.status).toBe(200);
    expect(dryRun.json).toMatchObject({
      dryRun: true,
      valid: true,
      alreadyImported: false,
      rows: 6,
      errors: [],
      created: { goals: 2, keyResults: 1, deliverables: 1, budgetRevisions: 1, activatedGoals: 2 },
    });
    expect(expectStatus(await org.admin.get('/v1/goals'), 200).page.total).toBe(0);

    const commit = await send(org.dana, 'POST', '/v1/plan/imports', template.bytes, XLSX);
    expect(commit.status).toBe(201);
    expect(commit.json).toMatchObject({ dryRun: false, valid: true, created: dryRun.json.created });
    const launch = commit.json.goals.find((goal: { ref: string }) => goal.ref === 'launch');
    const industrialise = commit.json.goals.find((goal: { ref: string }) => goal.ref === 'industrialise');
    const goal = expectStatus(await org.admin.get(`/v1/goals/${industrialise.id}`), 200);
    expect(goal).toMatchObject({
      parentGoalId: launch.id,
      status: 'active',
      budget: { currency: 'EUR', amountMinor: 8_000_000, revision: 2 },
      deliverables: [{ title: 'Pilot production run', managerId: org.milo.personId, budgetMinor: 3_000_000 }],
    });
    for (const [definition, subject] of [
      [GoalCreatedV1, launch.id],
      [GoalCreatedV1, industrialise.id],
      [GoalActivatedV1, launch.id],
      [GoalActivatedV1, industrialise.id],
      [BudgetRevisedV1, industrialise.id],
    ] as const)
      await strategy.collector.waitForType(definition.type, 1, (entry) => entry.event.subject === subject);
    await strategy.collector.waitForType(KeyResultAddedV1.type, 1, (entry) => entry.key === launch.id);
    await strategy.collector.waitForType(DeliverableAddedV1.type, 1, (entry) => entry.key === industrialise.id);

    const again = await send(org.dana, 'POST', '/v1/plan/imports', template.bytes, XLSX);
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ alreadyImported: true, goals: commit.json.goals });
    expect(expectStatus(await org.admin.get('/v1/goals'), 200).page.total).toBe(2);
  });

  it('reports every mistake by row and column; a commit with any refused row imports nothing (422)', async () => {
    const org = await acme();
    const file = csv([
      HEADER,
      row({
        kind: 'goal',
        goal_ref: 'g1',
        title: 'Grow',
        owner_email: 'dana@acme.example',
        org_unit: 'Acme Devices',
        period_start: '2026-01-01',
        period_end: '2026-02-30',
        currency: 'EUR',
        amount: '1000',
      }),
      row({
        kind: 'goal',
        goal_ref: 'g2',
        title: 'Shrink costs',
        owner_email: 'nobody@acme.example',
        org_unit: 'Acme Devices',
        period_start: '2026-01-01',
        period_end: '2026-06-30',
        currency: 'EUR',
        amount: '=SUM(A1:A3)',
      }),
      row({
        kind: 'goal',
        goal_ref: 'g3',
        title: 'Fine goal',
        owner_email: 'dana@acme.example',
        org_unit: 'Acme Devices',
        period_start: '2026-01-01',
        period_end: '2026-06-30',
        currency: 'EUR',
        amount: '1000',
      }),
      row({
        kind: 'key_result',
        goal_ref: 'g3',
        title: 'NPS',
        category: 'customer_satisfaction',
        unit: 'points',
        baseline: '30',
        target: '20',
        direction: 'increase',
      }),
      row({
        kind: 'deliverable',
        goal_ref: 'g1',
        title: 'Orphan',
        manager_email: 'milo@acme.example',
        due_date: '2026-01-31',
        amount: '1',
      }),
      row({ kind: 'milestone', goal_ref: 'g3' }),
      // A second row the service refuses: the report names it too, not only the first.
      row({
        kind: 'key_result',
        goal_ref: 'g3',
        title: 'Returns',
        category: 'quality',
        unit: '%',
        baseline: '10',
        target: '5',
        direction: 'increase',
      }),
    ]);
    const dryRun = await send(org.dana, 'POST', '/v1/plan/imports?dryRun=true', file);
    expect(dryRun.status).toBe(200);
    expect(dryRun.json.valid).toBe(false);
    const where = dryRun.json.errors.map(
      (problem: { row: number; column: string | null }) => `${problem.row}:${problem.column}`,
    );
    expect(where).toEqual(
      expect.arrayContaining(['2:period_end', '3:amount', '5:target', '6:goal_ref', '7:kind', '8:target']),
    );
    expect(dryRun.json.errors.find((problem: { row: number }) => problem.row === 3).message).toContain('formula');
    expect(dryRun.json.errors.find((problem: { row: number }) => problem.row === 5).message).toContain('target');

    const commit = await send(org.dana, 'POST', '/v1/plan/imports', file);
    expect(commit.status).toBe(422);
    expect(commit.type).toContain('application/problem+json');
    expect(commit.json.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'row 2 period_end' })]),
    );
    expect(expectStatus(await org.admin.get('/v1/goals'), 200).page.total).toBe(0);
  });

  it('refuses files it cannot read with 4xx problem+json and changes nothing', async () => {
    const org = await acme();
    const cases: Array<[string, Buffer, string, number, string]> = [
      ['wrong columns', csv([['kind', 'goal', 'title']]), CSV, 422, 'unknown column(s) "goal"'],
      [
        'not UTF-8',
        Buffer.concat([
          Buffer.from(HEADER.join(',') + '\r\n'),
          Buffer.from([0x67, 0x6f, 0x61, 0x6c, 0x2c, 0xe9, 0xe8]),
        ]),
        CSV,
        415,
        'not UTF-8',
      ],
      ['UTF-16', Buffer.from('\uFEFFkind,goal_ref\r\n', 'utf16le'), CSV, 415, 'UTF-16'],
      ['not a workbook', Buffer.from('PK this is no zip'), XLSX, 415, 'not an XLSX workbook'],
      ['empty', Buffer.alloc(0), CSV, 400, 'empty'],
      ['broken quotes', Buffer.from(HEADER.join(',') + '\r\ngoal,"g1,unterminated\r\n'), CSV, 400, 'malformed'],
      ['JSON instead of a file', Buffer.from('{"kind":"goal"}'), 'application/json', 415, 'content-type text/csv'],
      [
        'too many rows',
        Buffer.from(HEADER.join(',') + '\r\n' + 'goal,g\r\n'.repeat(50_001)),
        CSV,
        413,
        'more than 50000 rows',
      ],
    ];
    for (const [name, body, contentType, status, says] of cases) {
      const response = await send(
        org.dana,
        'POST',
        '/v1/plan/imports',
        body.length ? body : Buffer.from(''),
        contentType,
      );
      expect({ name, status: response.status, type: response.type }).toEqual({
        name,
        status,
        type: expect.stringContaining('application/problem+json'),
      });
      expect({ name, detail: response.json.detail }).toEqual({ name, detail: expect.stringContaining(says) });
    }
    const manager = await send(org.milo, 'POST', '/v1/plan/imports', csv([HEADER]));
    expect(manager.status).toBe(403);
    expect(expectStatus(await org.admin.get('/v1/goals'), 200).page.total).toBe(0);
  });

  it('reads formulas in XLSX cells as row problems, not as values', async () => {
    const org = await acme();
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('plan');
    sheet.addRow(HEADER);
    sheet.addRow(
      row({
        kind: 'goal',
        goal_ref: 'g1',
        title: 'Grow',
        owner_email: 'dana@acme.example',
        org_unit: 'Acme Devices',
        period_start: '2026-01-01',
        period_end: '2026-06-30',
        currency: 'EUR',
      }),
    );
    sheet.getCell('M2').value = { formula: 'A1*1000', result: 5 } as ExcelJS.CellFormulaValue;
    const file = Buffer.from(await workbook.xlsx.writeBuffer());
    const response = await send(org.dana, 'POST', '/v1/plan/imports?dryRun=true', file, XLSX);
    expect(response.json.errors).toEqual([
      { row: 2, column: 'amount', message: expect.stringContaining('holds a formula (=A1*1000)') },
    ]);
  });

  it('publishes, goal by goal, the events the API publishes for the same plan, in the same order and shape', async () => {
    const imported = await acme();
    const period = { period_start: '2027-01-01', period_end: '2027-12-31', currency: 'EUR' };
    const file = csv([
      HEADER,
      row({
        kind: 'goal',
        goal_ref: 'launch',
        title: 'Launch',
        status: 'active',
        owner_email: 'dana@acme.example',
        org_unit: 'Acme Devices',
        amount: '5000',
        ...period,
      }),
      row({
        kind: 'goal',
        goal_ref: 'pilot',
        parent_goal_ref: 'launch',
        title: 'Pilot',
        description: 'First run',
        status: 'active',
        owner_email: 'dana@acme.example',
        org_unit: 'Acme Devices',
        amount: '1000',
        weight: '2',
        ...period,
      }),
      row({
        kind: 'key_result',
        goal_ref: 'pilot',
        title: 'Yield',
        category: 'quality',
        unit: '%',
        baseline: '80',
        target: '95',
        direction: 'increase',
      }),
      row({
        kind: 'deliverable',
        goal_ref: 'pilot',
        title: 'Tooling',
        manager_email: 'milo@acme.example',
        due_date: '2027-03-31',
        amount: '300',
      }),
      row({
        kind: 'deliverable',
        goal_ref: 'pilot',
        title: 'First batch',
        manager_email: 'milo@acme.example',
        due_date: '2027-06-30',
        amount: '200',
        weight: '3',
      }),
      row({ kind: 'budget_allocation', goal_ref: 'pilot', manager_email: 'milo@acme.example', amount: '900' }),
    ]);
    expect((await send(imported.dana, 'POST', '/v1/plan/imports', file)).status).toBe(201);

    // The same plan, request by request, in an organisation of its own.
    const called = await acme();
    const dana = await apiAs(strategy.service.url, called.dana);
    const goal = {
      ownerId: called.dana.personId,
      orgUnitId: called.companyUnitId,
      periodStart: '2027-01-01',
      periodEnd: '2027-12-31',
    };
    const launch = expectStatus(
      await dana.post('/v1/goals', { ...goal, title: 'Launch', budget: { currency: 'EUR', amountMinor: 500_000 } }),
      201,
    );
    const pilot = expectStatus(
      await dana.post('/v1/goals', {
        ...goal,
        title: 'Pilot',
        description: 'First run',
        parentGoalId: launch.id,
        weight: 2,
        budget: { currency: 'EUR', amountMinor: 100_000 },
      }),
      201,
    );
    expectStatus(
      await dana.post(`/v1/goals/${pilot.id}/key-results`, {
        name: 'Yield',
        category: 'quality',
        unit: '%',
        baseline: 80,
        target: 95,
        direction: 'increase',
      }),
      201,
    );
    const manager = called.milo.personId;
    expectStatus(
      await dana.post(`/v1/goals/${pilot.id}/deliverables`, {
        title: 'Tooling',
        managerId: manager,
        dueDate: '2027-03-31',
        budgetMinor: 30_000,
      }),
      201,
    );
    expectStatus(
      await dana.post(`/v1/goals/${pilot.id}/deliverables`, {
        title: 'First batch',
        managerId: manager,
        dueDate: '2027-06-30',
        budgetMinor: 20_000,
        weight: 3,
      }),
      201,
    );
    expectStatus(
      await dana.put(
        `/v1/goals/${pilot.id}/budget`,
        {
          totalMinor: 100_000,
          allocations: [{ managerId: manager, amountMinor: 90_000 }],
          reason: 'Allocated by spreadsheet import',
        },
        ifMatch(1),
      ),
      200,
    );
    expectStatus(await dana.post(`/v1/goals/${launch.id}/activate`, {}, ifMatch(1)), 200);
    expectStatus(await dana.post(`/v1/goals/${pilot.id}/activate`, {}, ifMatch(2)), 200);

    /** Each goal's events as Kafka delivered them (one partition per goal), ids and times in words. */
    const story = async (org: Awaited<ReturnType<typeof acme>>) => {
      const events = await waitFor(
        () => {
          const seen = strategy.collector.received.filter(
            (entry) => entry.event.orgid === org.orgId && entry.topic.endsWith(Topics.Goals),
          );
          return seen.length >= 8 && seen;
        },
        { what: `the 8 goal events of ${org.orgId}` },
      );
      const names = new Map<string, string>([
        [org.dana.personId, 'dana'],
        [org.milo.personId, 'milo'],
        [org.companyUnitId, 'company unit'],
      ]);
      for (const entry of events)
        if (entry.event.type === GoalCreatedV1.type)
          names.set(entry.event.data.goalId, `goal ${entry.event.data.title}`);
      const words = (entry: CollectedEvent) =>
        JSON.parse(
          JSON.stringify({
            envelope: Object.keys(entry.event).sort(),
            key: entry.key,
            subject: entry.event.subject,
            type: entry.event.type,
            actor: entry.event.actorid,
            data: entry.event.data,
          })
            .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) => names.get(id) ?? 'an id')
            .replace(/\d{4}-\d{2}-\d{2}T[\d:.]+Z/g, 'a time'),
        );
      const byGoal: Record<string, unknown[]> = {};
      for (const entry of events) (byGoal[names.get(entry.key!)!] ??= []).push(words(entry));
      return byGoal;
    };
    const expected = await story(called);
    expect(Object.keys(expected).sort()).toEqual(['goal Launch', 'goal Pilot']);
    expect((expected['goal Pilot'] as Array<{ type: string }>).map((event) => event.type)).toEqual([
      GoalCreatedV1.type,
      KeyResultAddedV1.type,
      DeliverableAddedV1.type,
      DeliverableAddedV1.type,
      BudgetRevisedV1.type,
      GoalActivatedV1.type,
    ]);
    expect(await story(imported)).toEqual(expected);
  });

  it('commits a plan of 10,000 rows in one transaction: one refused row and nothing is written, fixed and all of it is', async () => {
    const org = await acme();
    const goals = 1_000;
    const rows: string[][] = [HEADER];
    for (let index = 0; index < goals; index++) {
      const ref = `G${index}`;
      rows.push(
        row({
          kind: 'goal',
          goal_ref: ref,
          // Every tenth goal heads the nine after it; every other goal starts active.
          parent_goal_ref: index % 10 ? `G${index - (index % 10)}` : '',
          title: `Goal ${index}`,
          status: index % 2 ? 'draft' : 'active',
          owner_email: 'dana@acme.example',
          org_unit: 'Acme Devices',
          period_start: '2027-01-01',
          period_end: '2027-12-31',
          currency: 'EUR',
          amount: '1000',
        }),
      );
      for (let kr = 0; kr < 3; kr++)
        rows.push(
          row({
            kind: 'key_result',
            goal_ref: ref,
            title: `Measure ${kr}`,
            category: 'growth',
            unit: '%',
            baseline: '0',
            target: '10',
            direction: 'increase',
          }),
        );
      for (let part = 0; part < 5; part++)
        rows.push(
          row({
            kind: 'deliverable',
            goal_ref: ref,
            title: `Part ${part}`,
            manager_email: 'milo@acme.example',
            due_date: '2027-06-30',
            amount: '200',
          }),
        );
      rows.push(row({ kind: 'budget_allocation', goal_ref: ref, manager_email: 'milo@acme.example', amount: '1000' }));
    }
    expect(rows.length - 1).toBe(10_000);
    // The very last deliverable asks for more than its goal has left: the service refuses that row alone.
    const last = rows.length - 2;
    rows[last] = row({
      kind: 'deliverable',
      goal_ref: `G${goals - 1}`,
      title: 'Part 4',
      manager_email: 'milo@acme.example',
      due_date: '2027-06-30',
      amount: '201',
    });
    const database = strategy.service.dataSource;
    // The goal events, not the organisation's own (its units and people).
    const goalTopics = `%${Topics.Goals}`;
    const written = async () => {
      const [counts] = await database.query(
        `SELECT (SELECT count(*)::int FROM goal WHERE org_id = $1) AS goals,
                (SELECT count(*)::int FROM key_result WHERE org_id = $1) AS "keyResults",
                (SELECT count(*)::int FROM deliverable WHERE org_id = $1) AS deliverables,
                (SELECT count(*)::int FROM budget_revision WHERE org_id = $1) AS revisions,
                (SELECT count(*)::int FROM outbox_event WHERE envelope->>'orgid' = $1::text AND topic LIKE $2) AS events,
                (SELECT count(*)::int FROM audit_entry JOIN outbox_event USING (event_id)
                  WHERE org_id = $1 AND topic LIKE $2) AS audit,
                (SELECT count(*)::int FROM plan_import WHERE org_id = $1) AS imports`,
        [org.orgId, goalTopics],
      );
      return counts;
    };

    const refused = await send(org.dana, 'POST', '/v1/plan/imports', csv(rows));
    expect(refused.status).toBe(422);
    expect(refused.json.errors).toEqual([
      { field: `row ${last + 1} amount`, message: expect.stringContaining("exceed the goal's budget") },
    ]);
    expect(await written()).toEqual({
      goals: 0,
      keyResults: 0,
      deliverables: 0,
      revisions: 0,
      events: 0,
      audit: 0,
      imports: 0,
    });

    rows[last] = row({
      kind: 'deliverable',
      goal_ref: `G${goals - 1}`,
      title: 'Part 4',
      manager_email: 'milo@acme.example',
      due_date: '2027-06-30',
      amount: '200',
    });
    const committed = await send(org.dana, 'POST', '/v1/plan/imports', csv(rows));
    expect(committed.status).toBe(201);
    expect(committed.json.created).toEqual({
      goals: 1_000,
      keyResults: 3_000,
      deliverables: 5_000,
      budgetRevisions: 1_000,
      activatedGoals: 500,
    });
    const events = 1_000 + 3_000 + 5_000 + 1_000 + 500;
    expect(await written()).toEqual({
      goals: 1_000,
      keyResults: 3_000,
      deliverables: 5_000,
      revisions: 2_000,
      events,
      audit: events,
      imports: 1,
    });
    const sub = expectStatus(await org.admin.get(`/v1/goals/${committed.json.goals[999].id}`), 200);
    expect(sub).toMatchObject({
      parentGoalId: committed.json.goals[990].id,
      status: 'draft',
      version: 2,
      budget: { revision: 2 },
    });
    expect(sub.deliverables).toHaveLength(5);
    // In the outbox, each goal's events in the order its rows' API calls would have made them.
    const outbox: Array<{ key: string; types: string[] }> = await database.query(
      `SELECT partition_key AS key, array_agg(event_type ORDER BY seq) AS types FROM outbox_event
       WHERE envelope->>'orgid' = $1::text AND topic LIKE $2 GROUP BY partition_key`,
      [org.orgId, goalTopics],
    );
    const story = (active: boolean) => [
      GoalCreatedV1.type,
      ...Array(3).fill(KeyResultAddedV1.type),
      ...Array(5).fill(DeliverableAddedV1.type),
      BudgetRevisedV1.type,
      ...(active ? [GoalActivatedV1.type] : []),
    ];
    const activeIds = new Set(
      committed.json.goals
        .filter((_: unknown, index: number) => index % 2 === 0)
        .map((goal: { id: string }) => goal.id),
    );
    expect(outbox).toHaveLength(1_000);
    for (const { key, types } of outbox) expect({ key, types }).toEqual({ key, types: story(activeIds.has(key)) });
  });

  it('round trip: a plan exported from one organisation and imported into a new one is the same plan', async () => {
    const first = await acme();
    const template = await send(first.dana, 'GET', '/v1/plan/template?format=csv');
    expect((await send(first.dana, 'POST', '/v1/plan/imports', template.bytes)).status).toBe(201);
    for (const format of ['csv', 'xlsx'] as const) {
      const exported = await send(first.dana, 'GET', `/v1/plan/export?format=${format}`);
      expect(exported.status).toBe(200);
      const second = await acme();
      const imported = await send(
        second.dana,
        'POST',
        '/v1/plan/imports',
        exported.bytes,
        format === 'csv' ? CSV : XLSX,
      );
      expect({ format, status: imported.status, errors: imported.json.errors }).toEqual({
        format,
        status: 201,
        errors: [],
      });
      const again = await send(second.dana, 'GET', '/v1/plan/export?format=csv');
      const original = await send(first.dana, 'GET', '/v1/plan/export?format=csv');
      expect(withoutRefs(await csvRows(again.bytes))).toEqual(withoutRefs(await csvRows(original.bytes)));
    }
  });

  /** Goal refs are the goals' ids, which differ between organisations: compare the plan's shape instead. */
  function withoutRefs(rows: Record<string, string>[]) {
    const order = new Map<string, number>();
    for (const entry of rows) if (entry.kind === 'goal') order.set(entry.goal_ref, order.size);
    return rows.map((entry) => ({
      ...entry,
      goal_ref: order.get(entry.goal_ref),
      parent_goal_ref: entry.parent_goal_ref ? order.get(entry.parent_goal_ref) : '',
    }));
  }
});
