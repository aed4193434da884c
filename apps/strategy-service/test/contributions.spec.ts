import { randomUUID } from 'node:crypto';
import { GoalContributionsChangedV1 } from '@throughline/contracts';
import { expectStatus, ifMatch, setUpOrganisation, TestOrganisation } from '@throughline/testing';
import { expectOneEvent, startStrategy } from './strategy-fixture';

describe('strategy: the contribution graph — weighted parents, support, no loops (real PostgreSQL and Kafka)', () => {
  let strategy: Awaited<ReturnType<typeof startStrategy>>;
  let org: TestOrganisation;

  beforeAll(async () => {
    strategy = await startStrategy();
    org = await setUpOrganisation(strategy.service.url);
  });
  afterAll(async () => strategy?.stop());

  const createGoal = async (title: string, fields: Record<string, unknown> = {}) =>
    expectStatus(
      await org.director.api.post('/v1/goals', {
        title,
        ownerId: org.director.id,
        orgUnitId: org.companyUnitId,
        periodStart: '2026-01-01',
        periodEnd: '2026-06-30',
        budget: { currency: 'EUR', amountMinor: 1_000_000 },
        ...fields,
      }),
      201,
    );
  const contributionsOf = async (goalId: string) =>
    expectStatus(await org.director.api.get(`/v1/goals/${goalId}/contributions`), 200);

  it('splits a goal 60/40 between its parent and another goal, shows it on both sides, and publishes it once', async () => {
    const revenue = await createGoal('Grow revenue');
    const satisfaction = await createGoal('Delight customers');
    const brand = await createGoal('Be known for quality');
    const churn = await createGoal('Cut churn', { parentGoalId: revenue.id });
    expect(await contributionsOf(churn.id)).toEqual({
      goalId: churn.id,
      parentGoalId: revenue.id,
      contributesTo: [],
      supports: [],
      contributedBy: [],
      version: 1,
    });

    const response = await org.director.api.put(
      `/v1/goals/${churn.id}/contributions`,
      {
        contributesTo: [
          { goalId: revenue.id, weightPercent: 60 },
          { goalId: satisfaction.id, weightPercent: 40 },
        ],
        supports: [brand.id],
      },
      ifMatch(1),
    );
    expect(response.headers.get('etag')).toBe('"2"');
    expect(expectStatus(response, 200)).toEqual({
      goalId: churn.id,
      parentGoalId: revenue.id,
      contributesTo: [
        { goalId: revenue.id, title: 'Grow revenue', weightPercent: 60 },
        { goalId: satisfaction.id, title: 'Delight customers', weightPercent: 40 },
      ],
      supports: [{ goalId: brand.id, title: 'Be known for quality' }],
      contributedBy: [],
      version: 2,
    });
    expect((await contributionsOf(satisfaction.id)).contributedBy).toEqual([
      { goalId: churn.id, title: 'Cut churn', kind: 'contributes', weightPercent: 40 },
    ]);
    expect((await contributionsOf(brand.id)).contributedBy).toEqual([
      { goalId: churn.id, title: 'Cut churn', kind: 'supports', weightPercent: null },
    ]);
    // The goal's version moved: the goal itself answers it, and a stale If-Match is refused.
    expect(expectStatus(await org.director.api.get(`/v1/goals/${churn.id}`), 200).version).toBe(2);
    expect(
      (
        await org.director.api.put(
          `/v1/goals/${churn.id}/contributions`,
          { contributesTo: [], supports: [] },
          ifMatch(1),
        )
      ).status,
    ).toBe(412);

    const event = await expectOneEvent(strategy.collector, GoalContributionsChangedV1, {
      subject: churn.id,
      key: churn.id,
    });
    expect(event.data).toEqual({
      goalId: churn.id,
      parentGoalId: revenue.id,
      contributesTo: [
        { goalId: revenue.id, weightPercent: 60 },
        { goalId: satisfaction.id, weightPercent: 40 },
      ],
      supports: [brand.id],
      version: 2,
    });

    // The same set again changes nothing and publishes nothing; empty lists restore the default.
    const same = await org.director.api.put(
      `/v1/goals/${churn.id}/contributions`,
      {
        contributesTo: [
          { goalId: revenue.id, weightPercent: 60 },
          { goalId: satisfaction.id, weightPercent: 40 },
        ],
        supports: [brand.id],
      },
      ifMatch(2),
    );
    expect(expectStatus(same, 200).version).toBe(2);
    const reset = await org.director.api.put(
      `/v1/goals/${churn.id}/contributions`,
      { contributesTo: [], supports: [] },
      ifMatch(2),
    );
    expect(expectStatus(reset, 200)).toMatchObject({ contributesTo: [], supports: [], version: 3 });
    await expectOneEvent(strategy.collector, GoalContributionsChangedV1, {
      subject: churn.id,
      key: churn.id,
      where: (data) => data.version === 3 && data.contributesTo.length === 0,
    });
    expect(
      strategy.collector.ofType(GoalContributionsChangedV1.type).filter((entry) => entry.event.subject === churn.id),
    ).toHaveLength(2);
  });

  it('refuses loops through parents and contributions alike, naming the goal at fault, and writes nothing', async () => {
    const company = await createGoal('Company');
    const product = await createGoal('Product', { parentGoalId: company.id });
    const feature = await createGoal('Feature', { parentGoalId: product.id });
    const other = await createGoal('Other');
    const loop = await org.director.api.put(
      `/v1/goals/${company.id}/contributions`,
      {
        contributesTo: [
          { goalId: other.id, weightPercent: 50 },
          { goalId: feature.id, weightPercent: 50 },
        ],
        supports: [],
      },
      ifMatch(1),
    );
    expect(loop.status).toBe(422);
    expect(loop.headers.get('content-type')).toContain('application/problem+json');
    expect(loop.body.detail).toMatch(new RegExp(`Goal ${feature.id} is already below this goal`));
    expect(loop.body.errors).toEqual([{ field: 'contributesTo.1.goalId', message: expect.stringMatching(/cycle/) }]);

    // Feature contributes to Other; Other may then not become a sub-goal of Feature (a loop through a contribution).
    expectStatus(
      await org.director.api.put(
        `/v1/goals/${feature.id}/contributions`,
        {
          contributesTo: [
            { goalId: product.id, weightPercent: 70 },
            { goalId: other.id, weightPercent: 30 },
          ],
          supports: [],
        },
        ifMatch(1),
      ),
      200,
    );
    const move = await org.director.api.patch(`/v1/goals/${other.id}`, { parentGoalId: feature.id }, ifMatch(1));
    expect(move.status).toBe(422);
    expect(move.body.errors).toEqual([{ field: 'parentGoalId', message: expect.stringMatching(/cycle/) }]);
    // Moving Feature under a goal its contributions do not name is a conflict: the weights would no longer say where it goes.
    const away = await org.director.api.patch(`/v1/goals/${feature.id}`, { parentGoalId: company.id }, ifMatch(2));
    expect(away.status).toBe(409);
    expect(away.body.errors[0].field).toBe('parentGoalId');
    expect(await contributionsOf(company.id)).toMatchObject({ contributesTo: [], version: 1 });
    expect(expectStatus(await org.director.api.get(`/v1/goals/${feature.id}`), 200)).toMatchObject({
      parentGoalId: product.id,
      version: 2,
    });
  });

  it.each<[string, (ids: { parent: string; other: string }) => unknown, number, string | RegExp]>([
    [
      'weights that do not sum to 100',
      (ids) => ({
        contributesTo: [
          { goalId: ids.parent, weightPercent: 60 },
          { goalId: ids.other, weightPercent: 30 },
        ],
        supports: [],
      }),
      422,
      'contributesTo',
    ],
    [
      'a split without the parent',
      (ids) => ({ contributesTo: [{ goalId: ids.other, weightPercent: 100 }], supports: [] }),
      422,
      'contributesTo',
    ],
    [
      'a goal that does not exist',
      (ids) => ({
        contributesTo: [
          { goalId: ids.parent, weightPercent: 50 },
          { goalId: randomUUID(), weightPercent: 50 },
        ],
        supports: [],
      }),
      422,
      'contributesTo.1.goalId',
    ],
    [
      'a weight of 0',
      (ids) => ({ contributesTo: [{ goalId: ids.parent, weightPercent: 0 }], supports: [] }),
      400,
      /weightPercent/,
    ],
    [
      'a weight that is not whole',
      (ids) => ({
        contributesTo: [
          { goalId: ids.parent, weightPercent: 50.5 },
          { goalId: ids.other, weightPercent: 49.5 },
        ],
        supports: [],
      }),
      400,
      /weightPercent/,
    ],
    ['a support that is not a uuid', () => ({ contributesTo: [], supports: ['nope'] }), 400, /supports/],
    ['a missing list', () => ({ contributesTo: [] }), 400, /supports/],
  ])('refuses %s with a problem naming the field, and changes nothing', async (_, body, status, field) => {
    const parent = await createGoal('Parent');
    const other = await createGoal('Other');
    const child = await createGoal('Child', { parentGoalId: parent.id });
    const response = await org.director.api.put(
      `/v1/goals/${child.id}/contributions`,
      body({ parent: parent.id, other: other.id }),
      ifMatch(1),
    );
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const fields = (response.body.errors ?? []).map((problem: { field: string }) => problem.field).join(' ');
    if (typeof field === 'string') expect(fields.split(' ')).toContain(field);
    else expect(fields).toMatch(field);
    expect(await contributionsOf(child.id)).toMatchObject({ contributesTo: [], supports: [], version: 1 });
  });

  it('lets only directors who may change the goal set its contributions, and hides goals from those who may not see them', async () => {
    const goal = await createGoal('Somebody’s goal');
    const body = { contributesTo: [], supports: [] };
    expect((await org.managers[0].api.put(`/v1/goals/${goal.id}/contributions`, body, ifMatch(1))).status).toBe(404);
    expect((await org.integrator.api.put(`/v1/goals/${goal.id}/contributions`, body, ifMatch(1))).status).toBe(403);
    expect((await org.managers[0].api.get(`/v1/goals/${goal.id}/contributions`)).status).toBe(404);
    expect(expectStatus(await org.integrator.api.get(`/v1/goals/${goal.id}/contributions`), 200).goalId).toBe(goal.id);
  });
});
