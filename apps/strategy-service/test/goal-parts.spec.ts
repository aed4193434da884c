import { randomUUID } from 'node:crypto';
import {
  BudgetRevisedV1,
  DeliverableAddedV1,
  DeliverableChangedV1,
  DeliverableRemovedV1,
  KeyResultAddedV1,
  KeyResultRemovedV1,
  KeyResultUpdatedV1,
  RiskRaisedV1,
  RiskUpdatedV1,
} from '@throughline/contracts';
import { expectStatus, ifMatch, setUpOrganisation, TestOrganisation } from '@throughline/testing';
import { expectOneEvent, startStrategy } from './strategy-fixture';

describe("strategy: a goal's key results, budget, deliverables and risks (real PostgreSQL and Kafka)", () => {
  let strategy: Awaited<ReturnType<typeof startStrategy>>;
  let org: TestOrganisation;

  beforeAll(async () => {
    strategy = await startStrategy();
    org = await setUpOrganisation(strategy.service.url);
  });
  afterAll(async () => strategy?.stop());

  const createGoal = async (amountMinor = 10_000_000) =>
    expectStatus(
      await org.director.api.post('/v1/goals', {
        title: 'Launch the new product line',
        ownerId: org.director.id,
        orgUnitId: org.companyUnitId,
        periodStart: '2026-01-01',
        periodEnd: '2026-06-30',
        budget: { currency: 'EUR', amountMinor },
      }),
      201,
    );

  describe('key results', () => {
    const costPerUnit = {
      name: 'Cost per unit',
      category: 'operational_efficiency',
      unit: 'EUR',
      baseline: 52,
      target: 40,
      direction: 'decrease',
    };

    it('adds, changes and removes a key result, one event each, keyed by the goal', async () => {
      const goal = await createGoal();
      const added = await org.director.api.post(`/v1/goals/${goal.id}/key-results`, costPerUnit);
      const keyResult = expectStatus(added, 201);
      expect(keyResult).toEqual({ id: expect.any(String), goalId: goal.id, ...costPerUnit, weight: 1, version: 1 });
      expect(added.headers.get('etag')).toBe('"1"');
      const addedEvent = await expectOneEvent(strategy.collector, KeyResultAddedV1, {
        subject: keyResult.id,
        key: goal.id,
      });
      expect(addedEvent.data).toEqual({
        keyResultId: keyResult.id,
        goalId: goal.id,
        ...costPerUnit,
        weight: 1,
        version: 1,
      });

      const changed = expectStatus(
        await org.director.api.patch(
          `/v1/goals/${goal.id}/key-results/${keyResult.id}`,
          { target: 38.5, weight: 2 },
          ifMatch(1),
        ),
        200,
      );
      expect(changed).toMatchObject({ target: 38.5, weight: 2, version: 2 });
      const updatedEvent = await expectOneEvent(strategy.collector, KeyResultUpdatedV1, {
        subject: keyResult.id,
        key: goal.id,
      });
      expect(updatedEvent.data).toMatchObject({ target: 38.5, weight: 2, version: 2 });
      expect(expectStatus(await org.integrator.api.get(`/v1/goals/${goal.id}/key-results`), 200).items).toEqual([
        changed,
      ]);

      expect(
        (await org.director.api.delete(`/v1/goals/${goal.id}/key-results/${keyResult.id}`, ifMatch(1))).status,
      ).toBe(412);
      expect((await org.director.api.delete(`/v1/goals/${goal.id}/key-results/${keyResult.id}`)).status).toBe(428);
      expect(
        (await org.director.api.delete(`/v1/goals/${goal.id}/key-results/${keyResult.id}`, ifMatch(2))).status,
      ).toBe(204);
      await expectOneEvent(strategy.collector, KeyResultRemovedV1, { subject: keyResult.id, key: goal.id });
      expect((await org.director.api.get(`/v1/goals/${goal.id}/key-results/${keyResult.id}`)).status).toBe(404);
    });

    it('refuses a target on the wrong side of the baseline, an unknown category and unknown fields', async () => {
      const goal = await createGoal();
      const wrongWay = await org.director.api.post(`/v1/goals/${goal.id}/key-results`, { ...costPerUnit, target: 60 });
      expect(wrongWay.status).toBe(422);
      expect(wrongWay.body.errors).toEqual([
        { field: 'target', message: 'must be below the baseline (52) for direction decrease' },
      ]);
      const keyResult = expectStatus(await org.director.api.post(`/v1/goals/${goal.id}/key-results`, costPerUnit), 201);
      const flipped = await org.director.api.patch(
        `/v1/goals/${goal.id}/key-results/${keyResult.id}`,
        { direction: 'increase' },
        ifMatch(1),
      );
      expect(flipped.status).toBe(422);
      const bad = await org.director.api.post(`/v1/goals/${goal.id}/key-results`, {
        ...costPerUnit,
        category: 'vibes',
        baseline: 'high',
        owner: 'me',
      });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((error: { field: string }) => error.field)).toEqual(
        expect.arrayContaining(['category', 'baseline', 'owner']),
      );
      expect(expectStatus(await org.director.api.get(`/v1/goals/${goal.id}/key-results`), 200).page.total).toBe(1);
      expect((await org.integrator.api.post(`/v1/goals/${goal.id}/key-results`, costPerUnit)).status).toBe(403);
    });
  });

  describe('budgets', () => {
    it('revises the budget into numbered history, allocations to managers and units, one budget.revised each', async () => {
      const goal = await createGoal(12_000_000);
      const initial = await org.director.api.get(`/v1/goals/${goal.id}/budget`);
      expect(expectStatus(initial, 200)).toMatchObject({
        revision: 1,
        currency: 'EUR',
        totalMinor: 12_000_000,
        allocations: [],
        allocatedMinor: 0,
        deliverableSharesMinor: 0,
      });
      expect(initial.headers.get('etag')).toBe('"1"');

      const allocations = [
        { managerId: org.managers[0].id, amountMinor: 7_000_000 },
        { orgUnitId: org.departmentUnitId, amountMinor: 5_000_000 },
      ];
      const revised = await org.director.api.put(
        `/v1/goals/${goal.id}/budget`,
        { totalMinor: 12_000_000, allocations, reason: 'Split engineering and operations' },
        ifMatch(1),
      );
      expect(expectStatus(revised, 200)).toMatchObject({
        revision: 2,
        totalMinor: 12_000_000,
        allocatedMinor: 12_000_000,
        revisedBy: org.director.id,
      });
      expect(revised.headers.get('etag')).toBe('"2"');
      const event = await expectOneEvent(strategy.collector, BudgetRevisedV1, {
        subject: goal.id,
        key: goal.id,
        where: (data) => data.revision === 2,
      });
      expect(event.data).toMatchObject({
        goalId: goal.id,
        revision: 2,
        currency: 'EUR',
        totalMinor: 12_000_000,
        allocations: [
          { managerId: org.managers[0].id, orgUnitId: null, amountMinor: 7_000_000 },
          { managerId: null, orgUnitId: org.departmentUnitId, amountMinor: 5_000_000 },
        ],
        reason: 'Split engineering and operations',
        revisedBy: org.director.id,
      });

      expectStatus(
        await org.director.api.put(
          `/v1/goals/${goal.id}/budget`,
          { totalMinor: 15_000_000, allocations, reason: 'Tooling costs more' },
          ifMatch(2),
        ),
        200,
      );
      const history = expectStatus(await org.integrator.api.get(`/v1/goals/${goal.id}/budget/revisions`), 200);
      expect(
        history.items.map((revision: { revision: number; totalMinor: number }) => [
          revision.revision,
          revision.totalMinor,
        ]),
      ).toEqual([
        [1, 12_000_000],
        [2, 12_000_000],
        [3, 15_000_000],
      ]);
      expect(expectStatus(await org.director.api.get(`/v1/goals/${goal.id}`), 200).budget).toEqual({
        currency: 'EUR',
        amountMinor: 15_000_000,
        revision: 3,
      });
    });

    it.each([
      [
        'allocations above the total',
        () => ({
          totalMinor: 1_000,
          allocations: [
            { managerId: org.managers[0].id, amountMinor: 600 },
            { managerId: org.managers[1].id, amountMinor: 401 },
          ],
        }),
        'allocations',
        /exceed the total budget \(1000\) by 1/,
      ],
      [
        'a director as allocation recipient',
        () => ({ totalMinor: 1_000, allocations: [{ managerId: org.director.id, amountMinor: 1 }] }),
        'allocations.0.managerId',
        /not a manager/,
      ],
      [
        'an unknown org unit',
        () => ({ totalMinor: 1_000, allocations: [{ orgUnitId: randomUUID(), amountMinor: 1 }] }),
        'allocations.0.orgUnitId',
        /not an org unit/,
      ],
      [
        'an allocation to both a manager and a unit',
        () => ({
          totalMinor: 1_000,
          allocations: [{ managerId: org.managers[0].id, orgUnitId: org.departmentUnitId, amountMinor: 1 }],
        }),
        'allocations.0',
        /exactly one/,
      ],
      [
        'the same manager twice',
        () => ({
          totalMinor: 1_000,
          allocations: [
            { managerId: org.managers[0].id, amountMinor: 1 },
            { managerId: org.managers[0].id, amountMinor: 1 },
          ],
        }),
        'allocations.1',
        /twice/,
      ],
    ])('refuses %s with 422 and keeps the revision', async (_, body, field, detail) => {
      const goal = await createGoal(1_000);
      const response = await org.director.api.put(
        `/v1/goals/${goal.id}/budget`,
        { ...body(), reason: 'Try' },
        ifMatch(1),
      );
      expect(response.status).toBe(422);
      expect(response.body.detail).toMatch(detail);
      expect(response.body.errors[0].field).toBe(field);
      expect(expectStatus(await org.director.api.get(`/v1/goals/${goal.id}/budget`), 200).revision).toBe(1);
    });

    it('refuses a total below the deliverable shares, a stale revision, a missing reason and floats', async () => {
      const goal = await createGoal(1_000);
      expectStatus(
        await org.director.api.post(`/v1/goals/${goal.id}/deliverables`, {
          title: 'Tooling',
          managerId: org.managers[0].id,
          dueDate: '2026-03-31',
          budgetMinor: 800,
        }),
        201,
      );
      const below = await org.director.api.put(
        `/v1/goals/${goal.id}/budget`,
        { totalMinor: 799, allocations: [], reason: 'Cut' },
        ifMatch(1),
      );
      expect(below.status).toBe(422);
      expect(below.body.errors).toEqual([
        { field: 'totalMinor', message: "must be at least 800, the deliverables' budget shares" },
      ]);
      expect(
        (
          await org.director.api.put(
            `/v1/goals/${goal.id}/budget`,
            { totalMinor: 900, allocations: [], reason: 'Cut' },
            ifMatch(5),
          )
        ).status,
      ).toBe(412);
      expect(
        (await org.director.api.put(`/v1/goals/${goal.id}/budget`, { totalMinor: 900, allocations: [], reason: 'Cut' }))
          .status,
      ).toBe(428);
      const bad = await org.director.api.put(
        `/v1/goals/${goal.id}/budget`,
        { totalMinor: 900.5, allocations: [{ managerId: org.managers[0].id, amountMinor: -1 }] },
        ifMatch(1),
      );
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((error: { field: string }) => error.field)).toEqual(
        expect.arrayContaining(['totalMinor', 'reason', 'allocations.0.amountMinor']),
      );
      expect(
        strategy.collector.ofType(BudgetRevisedV1.type).filter((entry) => entry.event.subject === goal.id),
      ).toHaveLength(0);
    });
  });

  describe('deliverables', () => {
    const pilot = () => ({
      title: 'Pilot production run',
      managerId: org.managers[0].id,
      dueDate: '2026-03-31',
      weight: 2,
      budgetMinor: 4_000_000,
    });

    it('adds, changes and removes a deliverable with a reason, one event each, carrying the goal status', async () => {
      const goal = await createGoal();
      const deliverable = expectStatus(await org.director.api.post(`/v1/goals/${goal.id}/deliverables`, pilot()), 201);
      expect(deliverable).toEqual({ id: expect.any(String), goalId: goal.id, ...pilot(), version: 1 });
      const added = await expectOneEvent(strategy.collector, DeliverableAddedV1, {
        subject: deliverable.id,
        key: goal.id,
      });
      expect(added.data).toEqual({
        goalId: goal.id,
        goalStatus: 'draft',
        currency: 'EUR',
        deliverable: { deliverableId: deliverable.id, ...pilot() },
      });

      expectStatus(await org.director.api.post(`/v1/goals/${goal.id}/activate`, {}, ifMatch(1)), 200);
      const changed = await org.director.api.patch(
        `/v1/goals/${goal.id}/deliverables/${deliverable.id}`,
        { managerId: org.managers[1].id, dueDate: '2026-04-15' },
        ifMatch(1),
      );
      expect(expectStatus(changed, 200)).toMatchObject({
        managerId: org.managers[1].id,
        dueDate: '2026-04-15',
        version: 2,
      });
      const changedEvent = await expectOneEvent(strategy.collector, DeliverableChangedV1, {
        subject: deliverable.id,
        key: goal.id,
      });
      expect(changedEvent.data).toMatchObject({
        goalStatus: 'active',
        deliverable: { managerId: org.managers[1].id, dueDate: '2026-04-15' },
      });

      expect(
        (await org.director.api.delete(`/v1/goals/${goal.id}/deliverables/${deliverable.id}`, ifMatch(2))).status,
      ).toBe(400);
      expect(
        (await org.director.api.delete(`/v1/goals/${goal.id}/deliverables/${deliverable.id}?reason=Merged`, ifMatch(1)))
          .status,
      ).toBe(412);
      expect(
        (
          await org.director.api.delete(
            `/v1/goals/${goal.id}/deliverables/${deliverable.id}?reason=Merged%20into%20the%20ramp-up`,
            ifMatch(2),
          )
        ).status,
      ).toBe(204);
      const removed = await expectOneEvent(strategy.collector, DeliverableRemovedV1, {
        subject: deliverable.id,
        key: goal.id,
      });
      expect(removed.data).toMatchObject({
        goalId: goal.id,
        deliverableId: deliverable.id,
        reason: 'Merged into the ramp-up',
      });
      expect(expectStatus(await org.director.api.get(`/v1/goals/${goal.id}/deliverables`), 200).page.total).toBe(0);
      expect((await org.director.api.get(`/v1/goals/${goal.id}/deliverables/${deliverable.id}`)).status).toBe(404);
    });

    it.each([
      ['a due date after the period', () => ({ dueDate: '2026-07-01' }), 'dueDate', /within the goal's period/],
      ['a due date before the period', () => ({ dueDate: '2025-12-31' }), 'dueDate', /within the goal's period/],
      ['a director as manager', () => ({ managerId: org.director.id }), 'managerId', /not a manager/],
      ['an unknown manager', () => ({ managerId: randomUUID() }), 'managerId', /not an active person/],
      ['shares above the budget', () => ({ budgetMinor: 6_000_001 }), 'budgetMinor', /exceed the goal's budget/],
    ])('refuses %s with 422 naming the field', async (_, fields, field, detail) => {
      const goal = await createGoal();
      expectStatus(await org.director.api.post(`/v1/goals/${goal.id}/deliverables`, pilot()), 201);
      const response = await org.director.api.post(`/v1/goals/${goal.id}/deliverables`, { ...pilot(), ...fields() });
      expect(response.status).toBe(422);
      expect(response.body.detail).toMatch(detail);
      expect(response.body.errors[0].field).toBe(field);
      expect(expectStatus(await org.director.api.get(`/v1/goals/${goal.id}/deliverables`), 200).page.total).toBe(1);
    });

    it('keeps shares within the budget when a share is raised, and refuses changes on a closed goal', async () => {
      const goal = await createGoal();
      const first = expectStatus(await org.director.api.post(`/v1/goals/${goal.id}/deliverables`, pilot()), 201);
      expectStatus(
        await org.director.api.post(`/v1/goals/${goal.id}/deliverables`, {
          ...pilot(),
          title: 'Ramp-up',
          budgetMinor: 6_000_000,
        }),
        201,
      );
      const raise = await org.director.api.patch(
        `/v1/goals/${goal.id}/deliverables/${first.id}`,
        { budgetMinor: 4_000_001 },
        ifMatch(1),
      );
      expect(raise.status).toBe(422);
      expect(raise.body.errors).toEqual([
        { field: 'budgetMinor', message: "at most 4000000 remains of the goal's budget" },
      ]);
      expectStatus(
        await org.director.api.post(
          `/v1/goals/${goal.id}/close`,
          { outcome: 'abandoned', reason: 'Market entry postponed' },
          ifMatch(1),
        ),
        200,
      );
      const late = await org.director.api.patch(
        `/v1/goals/${goal.id}/deliverables/${first.id}`,
        { title: 'Too late' },
        ifMatch(1),
      );
      expect(late.status).toBe(409);
      expect(late.body.detail).toMatch(/abandoned, which is final/);
    });
  });

  describe('risks', () => {
    const supplier = () => ({
      title: 'Supplier cannot deliver the casing in time',
      likelihood: 3,
      impact: 4,
      ownerId: org.managers[0].id,
    });

    it('raises a risk and takes it through mitigated to closed, one event each', async () => {
      const goal = await createGoal();
      const risk = expectStatus(await org.director.api.post(`/v1/goals/${goal.id}/risks`, supplier()), 201);
      expect(risk).toEqual({
        id: expect.any(String),
        goalId: goal.id,
        ...supplier(),
        severity: 12,
        mitigation: null,
        status: 'open',
        version: 1,
      });
      const raised = await expectOneEvent(strategy.collector, RiskRaisedV1, { subject: risk.id, key: goal.id });
      expect(raised.data).toEqual({
        riskId: risk.id,
        goalId: goal.id,
        ...supplier(),
        mitigation: null,
        status: 'open',
        version: 1,
      });

      const mitigated = expectStatus(
        await org.director.api.patch(
          `/v1/goals/${goal.id}/risks/${risk.id}`,
          { status: 'mitigated', mitigation: 'Second supplier qualified', likelihood: 1 },
          ifMatch(1),
        ),
        200,
      );
      expect(mitigated).toMatchObject({ status: 'mitigated', severity: 4, version: 2 });
      await expectOneEvent(strategy.collector, RiskUpdatedV1, {
        subject: risk.id,
        key: goal.id,
        where: (data) => data.version === 2 && data.status === 'mitigated',
      });
      expectStatus(
        await org.director.api.patch(`/v1/goals/${goal.id}/risks/${risk.id}`, { status: 'closed' }, ifMatch(2)),
        200,
      );
      await expectOneEvent(strategy.collector, RiskUpdatedV1, {
        subject: risk.id,
        key: goal.id,
        where: (data) => data.version === 3 && data.status === 'closed',
      });
      expect(
        expectStatus(await org.integrator.api.get(`/v1/goals/${goal.id}/risks?status=closed`), 200).items,
      ).toHaveLength(1);
      expect(
        expectStatus(await org.integrator.api.get(`/v1/goals/${goal.id}/risks?status=open`), 200).items,
      ).toHaveLength(0);
    });

    it('refuses illegal status changes, a mitigated status without mitigation, bad scores and stale versions', async () => {
      const goal = await createGoal();
      const risk = expectStatus(await org.director.api.post(`/v1/goals/${goal.id}/risks`, supplier()), 201);
      const unexplained = await org.director.api.patch(
        `/v1/goals/${goal.id}/risks/${risk.id}`,
        { status: 'mitigated' },
        ifMatch(1),
      );
      expect(unexplained.status).toBe(422);
      expect(unexplained.body.errors).toEqual([
        { field: 'mitigation', message: 'is required when status is mitigated' },
      ]);
      expectStatus(
        await org.director.api.patch(`/v1/goals/${goal.id}/risks/${risk.id}`, { status: 'materialised' }, ifMatch(1)),
        200,
      );
      const undo = await org.director.api.patch(
        `/v1/goals/${goal.id}/risks/${risk.id}`,
        { status: 'open' },
        ifMatch(2),
      );
      expect(undo.status).toBe(409);
      expect(undo.body.detail).toMatch(/materialised risk cannot become open/);
      expect(
        (await org.director.api.patch(`/v1/goals/${goal.id}/risks/${risk.id}`, { impact: 5 }, ifMatch(1))).status,
      ).toBe(412);
      const scores = await org.director.api.post(`/v1/goals/${goal.id}/risks`, {
        ...supplier(),
        likelihood: 0,
        impact: 6,
      });
      expect(scores.status).toBe(400);
      expect(scores.body.errors.map((error: { field: string }) => error.field)).toEqual(['likelihood', 'impact']);
      expect(
        (await org.director.api.post(`/v1/goals/${goal.id}/risks`, { ...supplier(), ownerId: randomUUID() })).status,
      ).toBe(422);
      expect(
        (await org.integrator.api.patch(`/v1/goals/${goal.id}/risks/${risk.id}`, { status: 'closed' }, ifMatch(2)))
          .status,
      ).toBe(403);
    });
  });
});
