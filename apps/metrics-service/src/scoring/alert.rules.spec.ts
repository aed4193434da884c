import { DEFAULT_SETTINGS, emptyFacts, Score } from './alignment-formula';
import { riskAlert, scoreAlerts, ScoredScope } from './alert.rules';
import { forecast } from './forecast.rules';

const goal = { scope: 'goal' as const, id: '00000000-0000-4000-8000-000000000001' };
const manager = { scope: 'manager' as const, id: '00000000-0000-4000-8000-000000000002' };

function scored(overrides: Partial<ScoredScope> & { band: Score['band']; value?: number }): ScoredScope {
  const { band, value = 50, ...rest } = overrides;
  return {
    ref: goal,
    name: 'Launch',
    facts: emptyFacts(),
    score: { score: value, band, components: [], drivers: [] },
    previousBand: null,
    settings: DEFAULT_SETTINGS,
    ...rest,
  };
}

/** docs/alignment.md's worked example: forecast to cost 105,000.00 of a 100,000.00 budget and to finish 299 days late. */
const launchFacts = {
  ...emptyFacts(),
  liveTasks: 2,
  plannedValue: 225_000,
  earnedValueCapped: 85_000,
  plannedCost: 6_000_000,
  earnedCost: 2_000_000,
  actualCost: 3_500_000,
  goalBudget: 10_000_000,
};
const launchForecast = (facts = launchFacts) =>
  forecast({ kind: 'goal', facts, asOf: '2026-03-01', period: { start: '2026-01-01', end: '2026-06-30' } });

describe('forecast alerts', () => {
  it.each([
    ['overrun and late', launchFacts, ['goal_forecast_overrun', 'goal_forecast_late'], []],
    [
      'back on cost and on plan',
      { ...launchFacts, actualCost: 2_000_000, earnedValueCapped: 225_000 },
      [],
      ['goal_forecast_overrun', 'goal_forecast_late'],
    ],
    [
      'nothing booked or due yet: no forecast, so nothing open',
      { ...launchFacts, actualCost: 0, earnedCost: 0, plannedValue: 0, earnedValueCapped: 0 },
      [],
      ['goal_forecast_overrun', 'goal_forecast_late'],
    ],
  ])('%s', (_, facts, raised, cleared) => {
    const decision = scoreAlerts(scored({ band: 'on_track', facts, forecast: launchForecast(facts) }));
    expect(decision.raise.map((alert) => alert.kind)).toEqual(raised);
    expect(decision.clear.map((alert) => alert.kind)).toEqual(expect.arrayContaining(cleared));
  });

  it('says by how much and when, with the figures in its details', () => {
    const [overrun, late] = scoreAlerts(
      scored({ band: 'on_track', facts: launchFacts, forecast: launchForecast() }),
    ).raise;
    expect(overrun.message).toBe(
      'Launch is forecast to cost 105,000.00 at completion, 5,000.00 over its budget of 100,000.00 (CPI 0.571).',
    );
    expect(overrun.details).toEqual({
      estimateAtCompletionMinor: 10_500_000,
      budgetMinor: 10_000_000,
      varianceAtCompletionMinor: -500_000,
      costPerformanceIndex: 0.571,
    });
    expect(late.message).toBe(
      'Launch is forecast to finish on 2027-04-25, 299 day(s) after its end date 2026-06-30 (SPI 0.378).',
    );
  });

  it('judges no forecast for a closed goal (none is passed) and clears what was open', () => {
    const decision = scoreAlerts(scored({ band: 'on_track', facts: launchFacts }));
    expect(decision.raise).toEqual([]);
    expect(decision.clear.map((alert) => alert.kind)).toEqual(
      expect.arrayContaining(['goal_forecast_overrun', 'goal_forecast_late']),
    );
  });
});

describe('alert rules', () => {
  it('raises a goal alert when its band gets worse and clears both goal alerts when it is on track again', () => {
    const worse = scoreAlerts(scored({ band: 'off_track', value: 30, previousBand: 'at_risk' }));
    expect(worse.raise.map((alert) => [alert.kind, alert.subjectId])).toEqual([['goal_off_track', goal.id]]);
    expect(worse.raise[0].message).toBe('Launch fell to 30 (off track).');
    const better = scoreAlerts(scored({ band: 'on_track', value: 80, previousBand: 'off_track' }));
    expect(better.raise).toEqual([]);
    expect(better.clear.map((alert) => alert.kind)).toEqual([
      'goal_at_risk',
      'goal_off_track',
      'goal_forecast_overrun',
      'goal_forecast_late',
      'budget_overrun',
    ]);
  });

  it('does not raise again when a goal stays in the same band', () => {
    const same = scoreAlerts(scored({ band: 'at_risk', previousBand: 'at_risk' }));
    expect(same.raise).toEqual([]);
  });

  it('raises a budget overrun for a manager who spent more than planned, and unlinked work above the limit', () => {
    const facts = { ...emptyFacts(), plannedCost: 10_000, actualCost: 12_500, linkedMinutes: 60, unlinkedMinutes: 240 };
    const decision = scoreAlerts(scored({ ref: manager, name: 'Ana', facts, band: 'on_track' }));
    expect(decision.raise.map((alert) => alert.kind)).toEqual(['budget_overrun', 'unlinked_work']);
    expect(decision.raise[0].details).toEqual({ actualCostMinor: 12_500, budgetMinor: 10_000 });
    expect(decision.raise[1].details).toEqual({ unlinkedShare: 0.8, basis: 'hours' });
    expect(decision.clear).toEqual([]);
  });

  it('raises an unmitigated high risk on its goal and clears it once its exposure no longer counts', () => {
    const risk = {
      riskId: '00000000-0000-4000-8000-000000000003',
      goalId: goal.id,
      title: 'Supplier delay',
      goalTitle: 'Launch',
      likelihood: 4,
      impact: 5,
    };
    const raised = riskAlert({ ...risk, exposure: 20 });
    expect(raised.raise[0]).toMatchObject({ kind: 'unmitigated_risk', subjectId: risk.riskId, scope: goal });
    expect(raised.raise[0].message).toContain('(likelihood 4 × impact 5 = 20)');
    expect(riskAlert({ ...risk, exposure: 0 })).toEqual({
      raise: [],
      clear: [{ kind: 'unmitigated_risk', subjectId: risk.riskId }],
    });
  });
});
