import { emptyFacts, FactVector } from './alignment-formula';
import { weightedShare } from './contribution-formula';

const facts = (values: Partial<FactVector>): FactVector => ({ ...emptyFacts(), ...values });

describe('weightedShare: what a goal passes to a goal it contributes to', () => {
  it.each<[string, Partial<FactVector>, number, Partial<FactVector>]>([
    ['all of it', { actualCost: 30_001, liveTasks: 3 }, 100, { actualCost: 30_001, liveTasks: 3 }],
    [
      '60 %: 18,000.6 rounds up',
      { actualCost: 30_001, goalBudget: 200_000 },
      60,
      { actualCost: 18_001, goalBudget: 120_000 },
    ],
    [
      '40 %: 12,000.4 rounds down',
      { actualCost: 30_001, goalBudget: 200_000 },
      40,
      { actualCost: 12_000, goalBudget: 80_000 },
    ],
    ['a half rounds up', { liveTasks: 1, plannedValue: 5 }, 50, { liveTasks: 1, plannedValue: 3 }],
    ['1 % of a small fact is nothing', { riskExposure: 20 }, 1, { riskExposure: 0 }],
    ['no facts, no share', {}, 75, {}],
  ])('%s', (_, given, weightPercent, expected) => {
    expect(weightedShare(facts(given), weightPercent)).toEqual(facts(expected));
  });
});
