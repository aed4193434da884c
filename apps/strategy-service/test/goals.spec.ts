import { randomUUID } from 'node:crypto';
import { GoalActivatedV1, GoalClosedV1, GoalCreatedV1, GoalUpdatedV1 } from '@throughline/contracts';
import { apiAs, expectStatus, ifMatch, setUpOrganisation, TestOrganisation } from '@throughline/testing';
import { expectOneEvent, startStrategy } from './strategy-fixture';

describe('strategy: a director sets and runs goals (real PostgreSQL and Kafka)', () => {
  let strategy: Awaited<ReturnType<typeof startStrategy>>;
  let org: TestOrganisation;

  beforeAll(async () => {
    strategy = await startStrategy();
    org = await setUpOrganisation(strategy.service.url);
  });
  afterAll(async () => strategy?.stop());

  const newGoal = (fields: Record<string, unknown> = {}) => ({
    title: 'Launch the new product line',
    ownerId: org.director.id,
    orgUnitId: org.companyUnitId,
    periodStart: '2026-01-01',
    periodEnd: '2026-06-30',
    budget: { currency: 'EUR', amountMinor: 10_000_000 },
    ...fields,
  });
  const createGoal = async (fields: Record<string, unknown> = {}) =>
    expectStatus(await org.director.api.post('/v1/goals', newGoal(fields)), 201);

  describe('create', () => {
    it('creates a draft with budget revision 1 and publishes exactly one goal.created keyed by the goal', async () => {
      const response = await org.director.api.post('/v1/goals', newGoal({ description: 'X200 in H1', weight: 2 }));
      const goal = expectStatus(response, 201);
      expect(response.headers.get('etag')).toBe('"1"');
      expect(goal).toMatchObject({
        status: 'draft',
        weight: 2,
        budget: { currency: 'EUR', amountMinor: 10_000_000, revision: 1 },
        parentGoalId: null,
        version: 1,
      });
      const event = await expectOneEvent(strategy.collector, GoalCreatedV1, { subject: goal.id, key: goal.id });
      expect(event).toMatchObject({
        orgid: org.orgId,
        actorid: org.director.id,
        data: {
          goalId: goal.id,
          status: 'draft',
          ownerId: org.director.id,
          budgetMinor: 10_000_000,
          description: 'X200 in H1',
          version: 1,
        },
      });
      expect(expectStatus(await org.integrator.api.get(`/v1/goals/${goal.id}`), 200)).toMatchObject({
        id: goal.id,
        keyResults: [],
        deliverables: [],
        risks: [],
      });
      // A manager sees only the goals they work on (a deliverable of theirs); this one has none yet.
      expect((await org.managers[0].api.get(`/v1/goals/${goal.id}`)).status).toBe(404);
    });

    it.each([
      ['an owner who is a manager', () => ({ ownerId: org.managers[0].id }), 'ownerId', /not a director/],
      ['an owner who does not exist', () => ({ ownerId: randomUUID() }), 'ownerId', /not an active person/],
      ['an org unit that does not exist', () => ({ orgUnitId: randomUUID() }), 'orgUnitId', /not an org unit/],
      ['a period that ends before it starts', () => ({ periodStart: '2026-07-01' }), 'periodEnd', /before it starts/],
      ['a parent that does not exist', () => ({ parentGoalId: randomUUID() }), 'parentGoalId', /not a goal/],
    ])('refuses %s with 422 naming the field', async (_, fields, field, detail) => {
      const before = expectStatus(await org.director.api.get('/v1/goals?limit=1'), 200).page.total;
      const response = await org.director.api.post('/v1/goals', newGoal(fields()));
      expect(response.status).toBe(422);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body.detail).toMatch(detail);
      expect(response.body.errors[0].field).toBe(field);
      expect(expectStatus(await org.director.api.get('/v1/goals?limit=1'), 200).page.total).toBe(before);
    });

    it("refuses a sub-goal whose period is not inside its parent's", async () => {
      const parent = await createGoal();
      const response = await org.director.api.post(
        '/v1/goals',
        newGoal({ parentGoalId: parent.id, periodEnd: '2026-07-31' }),
      );
      expect(response.status).toBe(422);
      expect(response.body.errors).toEqual([
        { field: 'periodEnd', message: "must lie within the parent goal's period" },
      ]);
      const child = expectStatus(
        await org.director.api.post(
          '/v1/goals',
          newGoal({ parentGoalId: parent.id, periodStart: '2026-02-01', periodEnd: '2026-03-31' }),
        ),
        201,
      );
      expect(child.parentGoalId).toBe(parent.id);
    });

    it('refuses unknown fields and bad values with 400 naming the field, and writes nothing', async () => {
      const before = await org.director.api.get('/v1/goals?limit=200');
      const response = await org.director.api.post('/v1/goals', {
        ...newGoal(),
        budget: { currency: 'euro', amountMinor: 1.5 },
        periodStart: '2026-02-30',
        colour: 'red',
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      const fields = response.body.errors.map((error: { field: string }) => error.field);
      expect(fields).toEqual(
        expect.arrayContaining(['colour', 'budget.currency', 'budget.amountMinor', 'periodStart']),
      );
      expect((await org.director.api.get('/v1/goals?limit=200')).body.page.total).toBe(before.body.page.total);
    });

    it('answers 401 without a token and 403 for a manager, an integrator or an admin creating a goal', async () => {
      expect((await (await apiAs(strategy.service.url, null)).post('/v1/goals', newGoal())).status).toBe(401);
      for (const api of [org.managers[0].api, org.integrator.api, org.admin])
        expect((await api.post('/v1/goals', newGoal())).status).toBe(403);
    });
  });

  describe('update', () => {
    it('changes a goal with If-Match and publishes exactly one goal.updated with the full state', async () => {
      const goal = await createGoal();
      const response = await org.director.api.patch(
        `/v1/goals/${goal.id}`,
        { title: 'Launch the X200', orgUnitId: org.departmentUnitId, weight: 3 },
        ifMatch(1),
      );
      expect(expectStatus(response, 200)).toMatchObject({
        title: 'Launch the X200',
        orgUnitId: org.departmentUnitId,
        weight: 3,
        version: 2,
      });
      expect(response.headers.get('etag')).toBe('"2"');
      const event = await expectOneEvent(strategy.collector, GoalUpdatedV1, { subject: goal.id, key: goal.id });
      expect(event.data).toMatchObject({
        goalId: goal.id,
        title: 'Launch the X200',
        orgUnitId: org.departmentUnitId,
        weight: 3,
        version: 2,
      });
    });

    it('needs If-Match (428), refuses a stale one (412) and writes nothing', async () => {
      const goal = await createGoal();
      const missing = await org.director.api.patch(`/v1/goals/${goal.id}`, { title: 'Mine' });
      expect(missing.status).toBe(428);
      expect(missing.body.detail).toMatch(/If-Match/);
      const stale = await org.director.api.patch(`/v1/goals/${goal.id}`, { title: 'Mine' }, ifMatch(2));
      expect(stale.status).toBe(412);
      expect(stale.body.detail).toMatch(/version 1, not 2/);
      expect(expectStatus(await org.director.api.get(`/v1/goals/${goal.id}`), 200)).toMatchObject({
        title: 'Launch the new product line',
        version: 1,
      });
    });

    it('refuses a parent cycle, and a period that would no longer hold its sub-goals', async () => {
      const company = await createGoal();
      const department = await createGoal({
        parentGoalId: company.id,
        periodStart: '2026-01-01',
        periodEnd: '2026-03-31',
      });
      const team = await createGoal({
        parentGoalId: department.id,
        periodStart: '2026-02-01',
        periodEnd: '2026-03-31',
      });
      const cycle = await org.director.api.patch(`/v1/goals/${company.id}`, { parentGoalId: team.id }, ifMatch(1));
      expect(cycle.status).toBe(422);
      expect(cycle.body.errors).toEqual([{ field: 'parentGoalId', message: expect.stringMatching(/cycle/) }]);
      expect(
        (await org.director.api.patch(`/v1/goals/${company.id}`, { parentGoalId: company.id }, ifMatch(1))).status,
      ).toBe(422);
      const shrink = await org.director.api.patch(
        `/v1/goals/${department.id}`,
        { periodEnd: '2026-02-28' },
        ifMatch(1),
      );
      expect(shrink.status).toBe(422);
      expect(shrink.body.detail).toMatch(/Sub-goal .* outside the new period/);
      const outgrow = await org.director.api.patch(
        `/v1/goals/${department.id}`,
        { periodEnd: '2026-12-31' },
        ifMatch(1),
      );
      expect(outgrow.status).toBe(422);
      expect(outgrow.body.errors[0].field).toBe('periodEnd');
      const detached = await org.director.api.patch(
        `/v1/goals/${department.id}`,
        { parentGoalId: null, periodEnd: '2026-12-31' },
        ifMatch(1),
      );
      expect(expectStatus(detached, 200)).toMatchObject({ parentGoalId: null, periodEnd: '2026-12-31', version: 2 });
    });

    it("refuses a period that would leave a deliverable's due date outside, and a closed parent", async () => {
      const goal = await createGoal();
      expectStatus(
        await org.director.api.post(`/v1/goals/${goal.id}/deliverables`, {
          title: 'Pilot run',
          managerId: org.managers[0].id,
          dueDate: '2026-05-31',
          budgetMinor: 1,
        }),
        201,
      );
      const shorter = await org.director.api.patch(`/v1/goals/${goal.id}`, { periodEnd: '2026-04-30' }, ifMatch(1));
      expect(shorter.status).toBe(422);
      expect(shorter.body.detail).toMatch(/Deliverable "Pilot run" is due 2026-05-31, outside the new period/);

      const abandoned = await createGoal();
      expectStatus(
        await org.director.api.post(`/v1/goals/${abandoned.id}/close`, { outcome: 'abandoned' }, ifMatch(1)),
        200,
      );
      const orphan = await org.director.api.post('/v1/goals', newGoal({ parentGoalId: abandoned.id }));
      expect(orphan.status).toBe(422);
      expect(orphan.body.errors).toEqual([{ field: 'parentGoalId', message: 'must be a draft or active goal' }]);
    });

    it('publishes nothing for an update that changes nothing', async () => {
      const goal = await createGoal();
      expect(
        expectStatus(await org.director.api.patch(`/v1/goals/${goal.id}`, { title: goal.title }, ifMatch(1)), 200)
          .version,
      ).toBe(1);
      await expectOneEvent(strategy.collector, GoalCreatedV1, { subject: goal.id, key: goal.id });
      expect(
        strategy.collector.ofType(GoalUpdatedV1.type).filter((entry) => entry.event.subject === goal.id),
      ).toHaveLength(0);
    });
  });

  describe('lifecycle', () => {
    it('publishes exactly one goal.activated event, keyed by the goal, carrying its deliverables', async () => {
      const goal = await createGoal();
      expectStatus(
        await org.director.api.post(`/v1/goals/${goal.id}/deliverables`, {
          title: 'Pilot run',
          managerId: org.managers[0].id,
          dueDate: '2026-03-31',
          weight: 2,
          budgetMinor: 4_000_000,
        }),
        201,
      );
      const activated = await org.director.api.post(`/v1/goals/${goal.id}/activate`, {}, ifMatch(1));
      expect(expectStatus(activated, 200)).toMatchObject({ status: 'active', version: 2 });
      const event = await expectOneEvent(strategy.collector, GoalActivatedV1, { subject: goal.id, key: goal.id });
      expect(event.orgid).toBe(org.orgId);
      expect(event.data).toMatchObject({
        goalId: goal.id,
        budgetMinor: 10_000_000,
        deliverables: [{ managerId: org.managers[0].id, dueDate: '2026-03-31', weight: 2, budgetMinor: 4_000_000 }],
      });
    });

    it('closes an active goal as achieved, publishing goal.closed; a closed goal is final', async () => {
      const goal = await createGoal();
      expectStatus(await org.director.api.post(`/v1/goals/${goal.id}/activate`, {}, ifMatch(1)), 200);
      const closed = await org.director.api.post(
        `/v1/goals/${goal.id}/close`,
        { outcome: 'achieved', reason: 'Unit cost at 39.50 EUR' },
        ifMatch(2),
      );
      expect(expectStatus(closed, 200)).toMatchObject({
        status: 'achieved',
        closeReason: 'Unit cost at 39.50 EUR',
        version: 3,
      });
      const event = await expectOneEvent(strategy.collector, GoalClosedV1, { subject: goal.id, key: goal.id });
      expect(event.data).toMatchObject({
        goalId: goal.id,
        outcome: 'achieved',
        reason: 'Unit cost at 39.50 EUR',
        version: 3,
      });

      const reopen = await org.director.api.post(`/v1/goals/${goal.id}/activate`, {}, ifMatch(3));
      expect(reopen.status).toBe(409);
      expect(reopen.body.detail).toMatch(/achieved is final/);
      expect(
        (await org.director.api.patch(`/v1/goals/${goal.id}`, { title: 'Rewrite history' }, ifMatch(3))).status,
      ).toBe(409);
      expect(
        (
          await org.director.api.post(`/v1/goals/${goal.id}/key-results`, {
            name: 'Late',
            category: 'cost',
            unit: 'EUR',
            baseline: 2,
            target: 1,
            direction: 'decrease',
          })
        ).status,
      ).toBe(409);
    });

    it.each([
      ['draft', 'achieved'],
      ['draft', 'missed'],
    ])('refuses %s → %s with 409 naming the allowed moves', async (_, outcome) => {
      const goal = await createGoal();
      const response = await org.director.api.post(`/v1/goals/${goal.id}/close`, { outcome }, ifMatch(1));
      expect(response.status).toBe(409);
      expect(response.body.detail).toMatch(/draft goal can become: active, abandoned/);
    });

    it('abandons a draft, and refuses a second activation (409) and a stale version (412)', async () => {
      const draft = await createGoal();
      expect(
        expectStatus(
          await org.director.api.post(`/v1/goals/${draft.id}/close`, { outcome: 'abandoned' }, ifMatch(1)),
          200,
        ).status,
      ).toBe('abandoned');
      const goal = await createGoal();
      expect((await org.director.api.post(`/v1/goals/${goal.id}/activate`, {}, ifMatch(7))).status).toBe(412);
      expect((await org.director.api.post(`/v1/goals/${goal.id}/activate`)).status).toBe(428);
      expectStatus(await org.director.api.post(`/v1/goals/${goal.id}/activate`, {}, ifMatch(1)), 200);
      const again = await org.director.api.post(`/v1/goals/${goal.id}/activate`, {}, ifMatch(2));
      expect(again.status).toBe(409);
      expect(again.body.detail).toMatch(/active goal cannot become active/);
      expect((await org.director.api.post(`/v1/goals/${goal.id}/close`, { outcome: 'won' }, ifMatch(2))).status).toBe(
        400,
      );
    });
  });

  describe('concurrency', () => {
    it('lets exactly one of two concurrent updates with the same If-Match win; the other gets 412', async () => {
      const goal = await createGoal();
      const responses = await Promise.all(
        ['Plan A', 'Plan B'].map((title) => org.director.api.patch(`/v1/goals/${goal.id}`, { title }, ifMatch(1))),
      );
      expect(responses.map((response) => response.status).sort()).toEqual([200, 412]);
      const winner = responses.find((response) => response.status === 200)!.body;
      expect(expectStatus(await org.director.api.get(`/v1/goals/${goal.id}`), 200)).toMatchObject({
        title: winner.title,
        version: 2,
      });
      await expectOneEvent(strategy.collector, GoalUpdatedV1, { subject: goal.id, key: goal.id });
    });

    it('never lets concurrent deliverables together exceed the budget', async () => {
      const goal = await createGoal();
      const responses = await Promise.all(
        [1, 2, 3, 4, 5].map((n) =>
          org.director.api.post(`/v1/goals/${goal.id}/deliverables`, {
            title: `Part ${n}`,
            managerId: org.managers[0].id,
            dueDate: '2026-03-31',
            budgetMinor: 3_000_000,
          }),
        ),
      );
      expect(responses.filter((response) => response.status === 201)).toHaveLength(3);
      expect(responses.filter((response) => response.status === 422)).toHaveLength(2);
      const budget = expectStatus(await org.director.api.get(`/v1/goals/${goal.id}/budget`), 200);
      expect(budget.deliverableSharesMinor).toBe(9_000_000);
    });
  });

  describe('list', () => {
    it('filters by status, owner, org unit, parent and overlapping period, with pagination', async () => {
      const other = await org.addPerson('director', { orgUnitId: org.companyUnitId });
      const ownerGoal = async (fields: Record<string, unknown>) =>
        expectStatus(await other.api.post('/v1/goals', newGoal({ ownerId: other.id, ...fields })), 201);
      const h1 = await ownerGoal({ title: 'H1' });
      const q3 = await ownerGoal({
        title: 'Q3',
        periodStart: '2026-07-01',
        periodEnd: '2026-09-30',
        orgUnitId: org.departmentUnitId,
      });
      const child = await ownerGoal({
        title: 'Child',
        parentGoalId: h1.id,
        periodStart: '2026-04-01',
        periodEnd: '2026-06-30',
      });
      expectStatus(await other.api.post(`/v1/goals/${q3.id}/activate`, {}, ifMatch(1)), 200);
      const titles = async (query: string) =>
        expectStatus(await org.integrator.api.get(`/v1/goals?ownerId=${other.id}&${query}`), 200).items.map(
          (goal: { title: string }) => goal.title,
        );

      expect(await titles('')).toEqual(['H1', 'Q3', 'Child']);
      expect(await titles('status=active')).toEqual(['Q3']);
      expect(await titles(`orgUnitId=${org.departmentUnitId}`)).toEqual(['Q3']);
      expect(await titles(`parentGoalId=${h1.id}`)).toEqual(['Child']);
      expect(await titles('periodFrom=2026-06-15&periodTo=2026-07-15')).toEqual(['H1', 'Q3', 'Child']);
      expect(await titles('periodFrom=2026-07-01')).toEqual(['Q3']);
      expect(await titles('periodTo=2026-03-31')).toEqual(['H1']);
      const second = expectStatus(await org.integrator.api.get(`/v1/goals?ownerId=${other.id}&limit=1&offset=1`), 200);
      expect(second).toMatchObject({ items: [{ id: q3.id }], page: { limit: 1, offset: 1, total: 3 } });
      expect(child.parentGoalId).toBe(h1.id);
      expect((await org.integrator.api.get('/v1/goals?status=done')).status).toBe(400);
      expect((await org.integrator.api.get('/v1/goals?periodFrom=2026-07-01&periodTo=2026-01-01')).status).toBe(422);
    });

    it("never shows another organisation's goals", async () => {
      const goal = await createGoal();
      const other = await setUpOrganisation(strategy.service.url, 'Initech');
      expect((await other.director.api.get(`/v1/goals/${goal.id}`)).status).toBe(404);
      expect((await other.director.api.patch(`/v1/goals/${goal.id}`, { title: 'Ours' }, ifMatch(1))).status).toBe(404);
      expect(expectStatus(await other.director.api.get('/v1/goals'), 200).page.total).toBe(0);
      const foreign = await other.director.api.post('/v1/goals', newGoal({ ownerId: other.director.id }));
      expect(foreign.status).toBe(422);
      expect(foreign.body.errors[0].field).toBe('orgUnitId');
    });
  });
});
