import { fractionDigits, parsePlanRows, PlanSheetRow, toMinor } from './plan-sheet';

const goalRow = (line: number, values: Record<string, string>): PlanSheetRow => ({
  line,
  problems: [],
  values: {
    kind: 'goal',
    title: 'A goal',
    owner_email: 'Dana@Acme.example',
    org_unit: 'Acme',
    period_start: '2026-01-01',
    period_end: '2026-06-30',
    currency: 'EUR',
    amount: '1,200.50',
    ...values,
  },
});

describe('plan sheet rows', () => {
  it('orders goals parents first, whatever the row order, and converts amounts to minor units', () => {
    const plan = parsePlanRows([
      goalRow(2, { goal_ref: 'child', parent_goal_ref: 'root' }),
      goalRow(3, { goal_ref: 'root' }),
    ]);
    expect(plan.problems).toEqual([]);
    expect(plan.goals.map((goal) => goal.ref)).toEqual(['root', 'child']);
    expect(plan.goals[0]).toMatchObject({ amountMinor: 120_050, ownerEmail: 'dana@acme.example', status: 'draft' });
  });

  it.each([
    [{ goal_ref: 'a', parent_goal_ref: 'nowhere' }, 'parent_goal_ref', 'no goal row has goal_ref "nowhere"'],
    [{ goal_ref: 'a', period_end: '2026-02-30' }, 'period_end', 'is not a date'],
    [{ goal_ref: 'a', amount: '12abc' }, 'amount', 'is not a number'],
    [{ goal_ref: 'a', amount: '10.123' }, 'amount', 'more than 2 decimal(s) for EUR'],
    [{ goal_ref: 'a', currency: 'EURO' }, 'currency', 'ISO 4217'],
    [{ goal_ref: 'a', status: 'achieved' }, 'status', 'use draft or active'],
    [{ goal_ref: 'a', due_date: '2026-01-01' }, 'due_date', 'is not used on a goal row'],
    [{ goal_ref: '' }, 'goal_ref', 'is required on a goal row'],
  ])('refuses %j in column %s: %s', (values, column, message) => {
    const plan = parsePlanRows([goalRow(2, values)]);
    expect(plan.goals).toEqual([]);
    expect(plan.problems).toContainEqual({ row: 2, column, message: expect.stringContaining(message) });
  });

  it('finds repeated refs, loops, unknown kinds and rows of goals that failed', () => {
    const plan = parsePlanRows([
      goalRow(2, { goal_ref: 'a', parent_goal_ref: 'b' }),
      goalRow(3, { goal_ref: 'b', parent_goal_ref: 'a' }),
      goalRow(4, { goal_ref: 'c' }),
      goalRow(5, { goal_ref: 'c' }),
      { line: 6, problems: [], values: { kind: 'milestone' } },
      {
        line: 7,
        problems: [],
        values: {
          kind: 'key_result',
          goal_ref: 'a',
          title: 'NPS',
          category: 'growth',
          unit: 'pts',
          baseline: '1',
          target: '2',
          direction: 'increase',
        },
      },
    ]);
    expect(plan.goals.map((goal) => goal.ref)).toEqual(['c']);
    expect(plan.problems.map((problem) => `${problem.row}:${problem.column}`)).toEqual(
      expect.arrayContaining(['2:parent_goal_ref', '5:goal_ref', '6:kind', '7:goal_ref']),
    );
  });

  it('an allocation goes to a manager or a unit, not both, not neither', () => {
    const allocation = (values: Record<string, string>): PlanSheetRow => ({
      line: 3,
      problems: [],
      values: { kind: 'budget_allocation', goal_ref: 'a', amount: '10', ...values },
    });
    for (const values of [{}, { manager_email: 'm@x.example', org_unit: 'Ops' }] as Record<string, string>[])
      expect(parsePlanRows([goalRow(2, { goal_ref: 'a' }), allocation(values)]).problems).toEqual([
        expect.objectContaining({ row: 3, column: 'manager_email' }),
      ]);
  });

  it('knows how many decimals each currency has', () => {
    expect(fractionDigits('EUR')).toBe(2);
    expect(fractionDigits('JPY')).toBe(0);
    expect(fractionDigits('XYZW')).toBeNull();
    expect(toMinor(1500, 'JPY', 'amount', 2, [])).toBe(1500);
  });
});
