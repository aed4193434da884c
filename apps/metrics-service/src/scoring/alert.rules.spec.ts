import { DEFAULT_SETTINGS, emptyFacts, Score } from './alignment-formula';
import { riskAlert, scoreAlerts, ScoredScope } from './alert.rules';

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

describe('alert rules', () => {
  it('raises a goal alert when its band gets worse and clears both goal alerts when it is on track again', () => {
    const worse = scoreAlerts(scored({ band: 'off_track', value: 30, previousBand: 'at_risk' }));
    expect(worse.raise.map((alert) => [alert.kind, alert.subjectId])).toEqual([['goal_off_track', goal.id]]);
    expect(worse.raise[0].message).toBe('Launch fell to 30 (off track).');
    const better = scoreAlerts(scored({ band: 'on_track', value: 80, previousBand: 'off_track' }));
    expect(better.raise).toEqual([]);
    expect(better.clear.map((alert) => alert.kind)).toEqual(['goal_at_risk', 'goal_off_track', 'budget_overrun']);
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
