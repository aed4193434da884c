import {
  addFacts,
  band,
  DEFAULT_SETTINGS,
  emptyFacts,
  FactVector,
  reweighScore,
  ScopeKind,
  scoreScope,
} from './alignment-formula';
import {
  keyResultContribution,
  KeyResultState,
  quarterSteps,
  riskFacts,
  taskContribution,
  TaskState,
  unmitigatedExposure,
  budgetFacts,
  dayNumber,
  expectedKeyResultProgress,
} from './contribution-formula';

const AS_OF = '2026-03-01';
const PERIOD = { periodStart: '2026-01-01', periodEnd: '2026-06-30' };

const task = (overrides: Partial<TaskState> = {}): TaskState => ({
  known: true,
  status: 'in_progress',
  progress: 0,
  weightMilli: 1000,
  startDate: '2026-01-01',
  dueDate: '2026-04-30',
  plannedCostMinor: 1_000_000,
  actualCostMinor: 0,
  minutes: 0,
  linked: true,
  ...overrides,
});
const keyResult = (overrides: Partial<KeyResultState> = {}): KeyResultState => ({
  baseline: 0,
  target: 100,
  direction: 'increase',
  weightMilli: 1000,
  current: null,
  ...overrides,
});
const sum = (...vectors: FactVector[]) => vectors.reduce((total, vector) => addFacts(total, vector), emptyFacts());
const tasks = (...states: TaskState[]) => sum(...states.map((state) => taskContribution(state, AS_OF).facts));
const value = (kind: ScopeKind, facts: FactVector, name: string) =>
  scoreScope(kind, facts).components.find((component) => component.name === name)?.value;

describe('alignment formula', () => {
  describe('edge cases of a goal', () => {
    it.each<[string, FactVector, number, string, Record<string, number | null>]>([
      ['no tasks', emptyFacts(), 25, 'off_track', { schedule: 0, cost: null, outcomes: null, focus: null, risk: 100 }],
      [
        'all cancelled',
        tasks(task({ status: 'cancelled', progress: 50 }), task({ status: 'cancelled' })),
        25,
        'off_track',
        { schedule: 0, cost: null },
      ],
      ['nothing due yet', tasks(task({ dueDate: '2026-12-31' })), 100, 'on_track', { schedule: 100 }],
      ['overdue and untouched', tasks(task({ dueDate: '2026-02-15' })), 25, 'off_track', { schedule: 0 }],
      [
        'overdue but done',
        tasks(task({ dueDate: '2026-02-15', status: 'done', progress: 100 })),
        100,
        'on_track',
        { schedule: 100 },
      ],
      ['half-way task a quarter ahead of plan', tasks(task({ progress: 50 })), 100, 'on_track', { schedule: 100 }],
      [
        'early work does not hide a late task',
        tasks(task({ dueDate: '2026-12-31', status: 'done' }), task({ dueDate: '2026-02-15' })),
        25,
        'off_track',
        { schedule: 0 },
      ],
      [
        'over budget',
        sum(
          tasks(task({ progress: 100, status: 'done', plannedCostMinor: 1_000_000, actualCostMinor: 2_000_000 })),
          budgetFacts(1_000_000),
        ),
        75,
        'on_track',
        { schedule: 100, cost: 25 },
      ],
      [
        'zero budget with spending',
        sum(tasks(task({ progress: 100, status: 'done', actualCostMinor: 500_000 }))),
        66.7,
        'at_risk',
        { cost: 0 },
      ],
      ['zero budget, nothing spent', tasks(task({ dueDate: '2026-12-31' })), 100, 'on_track', { cost: null }],
      [
        'unmitigated 5×5 risk',
        sum(tasks(task({ dueDate: '2026-12-31' })), riskFacts(25)),
        87.5,
        'on_track',
        { risk: 50 },
      ],
    ])('%s → %s (%s)', (_, facts, score, expectedBand, components) => {
      const result = scoreScope('goal', facts);
      expect(result.score).toBe(score);
      expect(result.band).toBe(expectedBand);
      for (const [name, expected] of Object.entries(components)) expect(value('goal', facts, name)).toBe(expected);
    });
  });

  it('keeps hours of unlinked work out of a goal score, and shows them in the manager focus', () => {
    const unlinked = tasks(task({ linked: false, minutes: 600, dueDate: '2026-12-31' }));
    // Focus is the manager's component: even facts holding unlinked hours give a goal none.
    expect(value('goal', unlinked, 'focus')).toBeNull();
    const manager = scoreScope('manager', sum(unlinked, tasks(task({ minutes: 200, dueDate: '2026-12-31' }))));
    expect(manager.components.find((component) => component.name === 'focus')).toMatchObject({
      value: 25,
      detail: '25% of hours went to work linked to goals',
    });
  });

  it('scores focus on cost when no hours were booked, and not at all for goals', () => {
    const facts = tasks(
      task({ actualCostMinor: 300_000, progress: 50 }),
      task({ linked: false, actualCostMinor: 100_000, progress: 50 }),
    );
    expect(value('manager', facts, 'focus')).toBe(75);
    expect(value('goal', facts, 'focus')).toBeNull();
  });

  it('shares the weight of components that do not apply among the others', () => {
    const result = scoreScope('manager', tasks(task({ dueDate: '2026-02-15', progress: 50 })));
    expect(result.components.map((component) => [component.name, component.value, component.contribution])).toEqual([
      ['schedule', 50, 50],
      ['cost', null, 0],
      ['outcomes', null, 0],
      ['focus', null, 0],
      ['risk', null, 0],
    ]);
    expect(result.score).toBe(50);
  });

  it.each<[string, KeyResultState, number]>([
    ['increase, on pace', keyResult({ current: 31 }), 10_000],
    ['increase, behind', keyResult({ current: 15.5 }), 5010],
    ['increase, no check-in yet', keyResult(), 0],
    [
      'decrease, counts down from baseline',
      keyResult({ baseline: 52, target: 40, direction: 'decrease', current: 49 }),
      8080,
    ],
    ['decrease, moved the wrong way', keyResult({ baseline: 52, target: 40, direction: 'decrease', current: 55 }), 0],
    ['decrease, beyond target', keyResult({ baseline: 52, target: 40, direction: 'decrease', current: 38 }), 10_000],
    ['target equals baseline, held', keyResult({ baseline: 5, target: 5, direction: 'decrease', current: 4 }), 10_000],
  ])('key result %s → attainment %d bp', (_, state, attainment) => {
    expect(keyResultContribution(state, PERIOD, AS_OF).attainment).toBe(attainment);
  });

  it('expects nothing of a key result before its period and everything after it', () => {
    expect(keyResultContribution(keyResult(), PERIOD, '2025-12-01').attainment).toBe(10_000);
    expect(keyResultContribution(keyResult({ current: 99 }), PERIOD, '2026-07-01').attainment).toBe(9900);
    expect(expectedKeyResultProgress(PERIOD, '2026-01-08')).toEqual({ expected: 7 / 181, nextChangeOn: '2026-01-15' });
  });

  it.each([
    ['start', '2026-01-01', 0, '2026-01-31'],
    ['a day before the first quarter', '2026-01-30', 0, '2026-01-31'],
    ['first quarter', '2026-01-31', 1, '2026-03-02'],
    ['due date itself', '2026-04-30', 3, '2026-05-01'],
    ['day after the due date', '2026-05-01', 4, null],
  ])('plans value in quarters: %s', (_, day, reached, next) => {
    const stepped = quarterSteps(dayNumber('2026-01-01'), dayNumber('2026-04-30') + 1, dayNumber(day), 4);
    expect(stepped.reached).toBe(reached);
    expect(stepped.nextDay === null ? null : new Date(stepped.nextDay * 86_400_000).toISOString().slice(0, 10)).toBe(
      next,
    );
  });

  it.each([
    ['open, high, no mitigation', { likelihood: 3, impact: 4, mitigation: null, status: 'open' as const }, 12],
    ['open, high, mitigated', { likelihood: 3, impact: 4, mitigation: 'Second supplier', status: 'open' as const }, 0],
    ['open, blank mitigation', { likelihood: 5, impact: 5, mitigation: '  ', status: 'open' as const }, 25],
    ['open, low', { likelihood: 2, impact: 3, mitigation: null, status: 'open' as const }, 0],
    ['materialised', { likelihood: 5, impact: 5, mitigation: null, status: 'materialised' as const }, 0],
  ])('risk exposure: %s → %d', (_, risk, exposure) => {
    expect(unmitigatedExposure(risk, DEFAULT_SETTINGS.highRiskExposure)).toBe(exposure);
  });

  it('names the items that moved the score most, largest effect first', () => {
    const late = { taskId: 'late', title: 'Late', ...taskContribution(task({ dueDate: '2026-02-15' }), AS_OF) };
    const slightly = {
      taskId: 'slightly',
      title: 'Slightly',
      ...taskContribution(task({ dueDate: '2026-02-15', progress: 80 }), AS_OF),
    };
    const facts = sum(late.facts, slightly.facts, riskFacts(12));
    const result = scoreScope('goal', facts, DEFAULT_SETTINGS, {
      tasks: [slightly, late].map(({ taskId, title, plannedValue, earnedValueCapped, earnedCost, facts: own }) => ({
        taskId,
        title,
        plannedValue,
        earnedValueCapped,
        earnedCost,
        actualCost: own.actualCost,
      })),
      risks: [{ riskId: 'supplier', title: 'Supplier', exposure: 12 }],
    });
    expect(result.drivers.map((driver) => [driver.kind, driver.id, driver.effect])).toEqual([
      ['task', 'late', 37.5],
      ['task', 'slightly', 7.5],
      ['risk', 'supplier', 6],
    ]);
  });

  it('bands at the thresholds, which an organisation may move', () => {
    expect([band(70), band(69.9), band(40), band(39.9)]).toEqual(['on_track', 'at_risk', 'at_risk', 'off_track']);
    expect(band(69.9, { onTrack: 60, atRisk: 30 })).toBe('on_track');
    const strict = { ...DEFAULT_SETTINGS, weights: { schedule: 1, cost: 0, outcomes: 0, focus: 0, risk: 0 } };
    expect(scoreScope('goal', tasks(task({ dueDate: '2026-02-15', progress: 50 })), strict).score).toBe(50);
  });

  it('gives the same score to facts kept by differences (new minus old contribution) as to a recomputation', () => {
    const before = task({ dueDate: '2026-02-01', progress: 20, actualCostMinor: 100_000 });
    const after = { ...before, progress: 70, actualCostMinor: 900_000 };
    const others = sum(tasks(task({ progress: 30, weightMilli: 1500 })), riskFacts(16));
    const kept = addFacts(addFacts(sum(others, tasks(before)), tasks(after)), tasks(before), -1);
    expect(kept).toEqual(sum(others, tasks(after)));
    expect(scoreScope('goal', kept)).toEqual(scoreScope('goal', sum(others, tasks(after))));
  });

  describe('re-weighing a stored score under other settings', () => {
    const samples: Array<[string, ScopeKind, FactVector]> = [
      [
        'a late, overspent goal with a risk',
        'goal',
        sum(tasks(task({ dueDate: '2026-02-01', progress: 20, actualCostMinor: 900_000 })), riskFacts(16)),
      ],
      [
        'a goal with key results',
        'goal',
        sum(tasks(task({ progress: 40 })), keyResultContribution(keyResult({ current: 30 }), PERIOD, AS_OF).facts),
      ],
      [
        'a manager with unlinked work',
        'manager',
        sum(tasks(task({ minutes: 120 })), tasks(task({ minutes: 360, linked: false }))),
      ],
      ['nothing at all', 'goal', emptyFacts()],
    ];

    it.each(samples)('gives %s its own score again under the weights it was scored with', (_, kind, facts) => {
      const stored = scoreScope(kind, facts);
      expect(reweighScore(stored.components, DEFAULT_SETTINGS)).toEqual({
        score: stored.score,
        band: stored.band,
        components: stored.components,
      });
    });

    it.each(samples)(
      'gives %s the score a fresh computation under the new weights and bands gives',
      (_, kind, facts) => {
        const other = {
          ...DEFAULT_SETTINGS,
          weights: { schedule: 0.5, cost: 0.1, outcomes: 0.2, focus: 0.1, risk: 0.1 },
          bands: { onTrack: 60, atRisk: 30 },
        };
        const fresh = scoreScope(kind, facts, other);
        expect(reweighScore(scoreScope(kind, facts).components, other)).toEqual({
          score: fresh.score,
          band: fresh.band,
          components: fresh.components,
        });
      },
    );

    it("shares a component's weight among the others when it does not apply, as a fresh score does", () => {
      const stored = [
        { name: 'schedule' as const, value: 50, detail: '' },
        { name: 'cost' as const, value: null, detail: '' },
        { name: 'outcomes' as const, value: 100, detail: '' },
      ];
      // Only schedule and outcomes apply (focus and risk were not stored): (50 × 0.6 + 100 × 0.2) / 0.8.
      const weights = { schedule: 0.6, cost: 0.1, outcomes: 0.2, focus: 0.05, risk: 0.05 };
      expect(reweighScore(stored, { weights, bands: DEFAULT_SETTINGS.bands })).toMatchObject({
        score: 62.5,
        band: 'at_risk',
      });
    });
  });
});
