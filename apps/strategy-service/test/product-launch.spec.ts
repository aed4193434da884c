import { randomUUID } from 'node:crypto';
import { GoalActivatedV1, parseEvent, Topics } from '@throughline/contracts';
import { apiAs, expectStatus, ifMatch } from '@throughline/testing';
import { startStrategy } from './strategy-fixture';

/** The story of docs/walkthrough/1-strategy.md, built through the API alone, from an empty organisation. */
describe('strategy: the "new product launch" story (real PostgreSQL and Kafka)', () => {
  let strategy: Awaited<ReturnType<typeof startStrategy>>;

  beforeAll(async () => {
    strategy = await startStrategy();
  });
  afterAll(async () => strategy?.stop());

  it('builds a company goal with a department sub-goal, three key results, a budget split across two managers, four deliverables and two risks', async () => {
    const url = strategy.service.url;
    const orgId = randomUUID();

    // The admin bootstraps the tenant: organisation, units, people and reporting lines.
    const admin = await apiAs(url, { personId: randomUUID(), orgId, role: 'admin' });
    expectStatus(await admin.post('/v1/organisations', { name: 'Acme Devices' }), 201);
    const company = expectStatus(await admin.post('/v1/org-units', { name: 'Acme Devices' }), 201);
    const engineering = expectStatus(
      await admin.post('/v1/org-units', { name: 'Product engineering', parentOrgUnitId: company.id }),
      201,
    );
    const person = async (name: string, email: string, role: string, orgUnitId: string, reportsToId?: string) =>
      expectStatus(await admin.post('/v1/people', { name, email, role, orgUnitId, reportsToId }), 201);
    const coo = await person('Chris COO', 'chris@acme.example', 'director', company.id);
    const head = await person('Dana Director', 'dana@acme.example', 'director', engineering.id, coo.id);
    const mia = await person('Mia Manager', 'mia@acme.example', 'manager', engineering.id, head.id);
    const max = await person('Max Manager', 'max@acme.example', 'manager', engineering.id, head.id);
    const asCoo = await apiAs(url, { personId: coo.id, orgId, role: 'director' });
    const asDana = await apiAs(url, { personId: head.id, orgId, role: 'director' });

    // The company goal and the department's sub-goal inside its period.
    const companyGoal = expectStatus(
      await asCoo.post('/v1/goals', {
        title: 'Launch the X200 product line',
        description: 'On the market in H1 at a unit cost below 40 EUR.',
        ownerId: coo.id,
        orgUnitId: company.id,
        periodStart: '2026-01-01',
        periodEnd: '2026-06-30',
        budget: { currency: 'EUR', amountMinor: 20_000_000 },
      }),
      201,
    );
    const goal = expectStatus(
      await asDana.post('/v1/goals', {
        title: 'Industrialise X200 production',
        ownerId: head.id,
        orgUnitId: engineering.id,
        parentGoalId: companyGoal.id,
        periodStart: '2026-02-01',
        periodEnd: '2026-06-30',
        weight: 2,
        budget: { currency: 'EUR', amountMinor: 12_000_000 },
      }),
      201,
    );

    // Three key results.
    for (const keyResult of [
      {
        name: 'Cost per unit',
        category: 'operational_efficiency',
        unit: 'EUR',
        baseline: 52,
        target: 40,
        direction: 'decrease',
      },
      { name: 'Defect rate', category: 'quality', unit: '%', baseline: 4.5, target: 1.5, direction: 'decrease' },
      {
        name: 'Customer satisfaction',
        category: 'customer_satisfaction',
        unit: 'CSAT (1-10)',
        baseline: 7.2,
        target: 8.5,
        direction: 'increase',
      },
    ]) {
      expectStatus(await asDana.post(`/v1/goals/${goal.id}/key-results`, keyResult), 201);
    }

    // The budget split across the two managers: revision 2.
    const budget = expectStatus(
      await asDana.put(
        `/v1/goals/${goal.id}/budget`,
        {
          totalMinor: 12_000_000,
          allocations: [
            { managerId: mia.id, amountMinor: 7_000_000 },
            { managerId: max.id, amountMinor: 5_000_000 },
          ],
          reason: 'Pilot and inspection with Mia, supply and ramp-up with Max',
        },
        ifMatch(1),
      ),
      200,
    );
    expect(budget).toMatchObject({ revision: 2, allocatedMinor: 12_000_000 });

    // Four deliverables with due dates.
    const deliverables = [
      {
        title: 'Casing supplier contracts',
        managerId: max.id,
        dueDate: '2026-03-15',
        weight: 1,
        budgetMinor: 1_500_000,
      },
      { title: 'Pilot production run', managerId: mia.id, dueDate: '2026-03-31', weight: 2, budgetMinor: 4_000_000 },
      { title: 'Quality inspection line', managerId: mia.id, dueDate: '2026-04-30', weight: 2, budgetMinor: 3_000_000 },
      {
        title: 'Ramp-up to 1,000 units a week',
        managerId: max.id,
        dueDate: '2026-06-15',
        weight: 3,
        budgetMinor: 3_500_000,
      },
    ];
    for (const deliverable of deliverables)
      expectStatus(await asDana.post(`/v1/goals/${goal.id}/deliverables`, deliverable), 201);

    // Two risks.
    expectStatus(
      await asDana.post(`/v1/goals/${goal.id}/risks`, {
        title: 'Casing supplier cannot deliver in time',
        likelihood: 3,
        impact: 4,
        ownerId: max.id,
        mitigation: 'Qualify a second supplier by February',
      }),
      201,
    );
    expectStatus(
      await asDana.post(`/v1/goals/${goal.id}/risks`, {
        title: 'Defect rate stays high after the pilot',
        likelihood: 2,
        impact: 5,
        ownerId: mia.id,
      }),
      201,
    );

    // Activate both goals: the department's deliverables now drive execution.
    expectStatus(await asCoo.post(`/v1/goals/${companyGoal.id}/activate`, {}, ifMatch(1)), 200);
    const current = await asDana.get(`/v1/goals/${goal.id}`);
    expectStatus(
      await asDana.post(`/v1/goals/${goal.id}/activate`, {}, { 'if-match': current.headers.get('etag')! }),
      200,
    );

    // What a director now sees.
    const story = expectStatus(await asDana.get(`/v1/goals/${goal.id}`), 200);
    expect(story).toMatchObject({
      status: 'active',
      parentGoalId: companyGoal.id,
      budget: { currency: 'EUR', amountMinor: 12_000_000, revision: 2 },
    });
    expect(
      story.keyResults.map((keyResult: { name: string; direction: string }) => [keyResult.name, keyResult.direction]),
    ).toEqual([
      ['Cost per unit', 'decrease'],
      ['Defect rate', 'decrease'],
      ['Customer satisfaction', 'increase'],
    ]);
    expect(
      story.deliverables.map((deliverable: { title: string; dueDate: string }) => [
        deliverable.title,
        deliverable.dueDate,
      ]),
    ).toEqual(deliverables.map((deliverable) => [deliverable.title, deliverable.dueDate]));
    expect(story.risks.map((risk: { severity: number; status: string }) => [risk.severity, risk.status])).toEqual([
      [12, 'open'],
      [10, 'open'],
    ]);
    expect(
      expectStatus(await asDana.get(`/v1/goals?parentGoalId=${companyGoal.id}`), 200).items.map(
        (child: { id: string }) => child.id,
      ),
    ).toEqual([goal.id]);

    // Exactly one event per change, in order on the goal's key, each valid against its schema.
    const activation = await strategy.collector.waitForType(
      GoalActivatedV1.type,
      1,
      (entry) => entry.event.subject === goal.id,
    );
    const ofGoal = strategy.collector.received.filter(
      (entry) => entry.topic.endsWith(Topics.Goals) && entry.key === goal.id,
    );
    expect(ofGoal.map((entry) => parseEvent(entry.raw).type)).toEqual([
      'throughline.goal.created.v1',
      ...Array(3).fill('throughline.key-result.added.v1'),
      'throughline.budget.revised.v1',
      ...Array(4).fill('throughline.deliverable.added.v1'),
      ...Array(2).fill('throughline.risk.raised.v1'),
      'throughline.goal.activated.v1',
    ]);
    expect(new Set(ofGoal.map((entry) => entry.event.id)).size).toBe(ofGoal.length);
    expect(activation[0].event.data.deliverables).toHaveLength(4);
  });
});
