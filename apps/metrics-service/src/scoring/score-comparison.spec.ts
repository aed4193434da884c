import { ScoreComponent } from './alignment-formula';
import { compareScores, ScoreAt } from './score-comparison';

const component = (
  name: ScoreComponent['name'],
  value: number | null,
  weight: number,
  contribution: number,
  detail: string,
): ScoreComponent => ({
  name,
  value,
  weight,
  contribution,
  detail,
});

const march: ScoreAt = {
  score: 72.5,
  band: 'on_track',
  components: [
    component('schedule', 80, 0.3, 27.6, 'earned 80% of the value planned by now (SPI 0.80)'),
    component(
      'cost',
      50,
      0.2,
      11.5,
      'spent 10,000.00 (10% of the budget 100,000.00) for work worth 5,000.00 (CPI 0.50)',
    ),
    component('outcomes', null, 0.3, 0, 'no key results'),
    component('focus', 100, 0.1, 11.5, '100% of hours went to work linked to goals'),
    component('risk', 100, 0.1, 11.5, 'no open high risks'),
  ],
  drivers: [
    {
      kind: 'task',
      id: 'b-task',
      name: 'Pilot',
      component: 'cost',
      effect: 11.5,
      detail: 'spent 10,000.00 for work worth 5,000.00',
    },
    {
      kind: 'risk',
      id: 'a-risk',
      name: 'Supplier',
      component: 'risk',
      effect: 2,
      detail: 'open, exposure 12, no mitigation',
    },
  ],
};

const april: ScoreAt = {
  score: 55.1,
  band: 'at_risk',
  components: [
    component('schedule', 30, 0.3, 10.3, 'earned 30% of the value planned by now (SPI 0.30)'),
    component(
      'cost',
      50,
      0.2,
      11.5,
      'spent 10,000.00 (10% of the budget 100,000.00) for work worth 5,000.00 (CPI 0.50)',
    ),
    component('outcomes', null, 0.3, 0, 'no key results'),
    component('focus', 100, 0.1, 11.5, '100% of hours went to work linked to goals'),
    component('risk', 100, 0.1, 11.5, 'no open high risks'),
  ],
  drivers: [
    {
      kind: 'task',
      id: 'c-task',
      name: 'Campaign',
      component: 'schedule',
      effect: 17.3,
      detail: 'behind plan by 70% of its planned value',
    },
    {
      kind: 'task',
      id: 'b-task',
      name: 'Pilot',
      component: 'cost',
      effect: 11.5,
      detail: 'spent 10,000.00 for work worth 5,000.00',
    },
  ],
};

describe('compareScores', () => {
  it('says by how much the score moved, which component moved it and why, in words', () => {
    const comparison = compareScores(march, april);
    expect(comparison.scoreChange).toBe(-17.4);
    expect([comparison.bandFrom, comparison.bandTo]).toEqual(['on_track', 'at_risk']);
    expect(comparison.summary).toBe(
      'Fell 17.4 points, 72.5 → 55.1 (on track → at risk); most from schedule (−17.3 points): earned 80% of the value planned by now (SPI 0.80) → earned 30% of the value planned by now (SPI 0.30).',
    );
  });

  it('lists every component, the largest move first, with its value, weight and words at both times', () => {
    const [first, ...rest] = compareScores(march, april).components;
    expect(first).toEqual({
      name: 'schedule',
      valueFrom: 80,
      valueTo: 30,
      contributionFrom: 27.6,
      contributionTo: 10.3,
      contributionChange: -17.3,
      weightFrom: 0.3,
      weightTo: 0.3,
      detailFrom: 'earned 80% of the value planned by now (SPI 0.80)',
      detailTo: 'earned 30% of the value planned by now (SPI 0.30)',
    });
    expect(rest.map((change) => [change.name, change.contributionChange])).toEqual([
      ['cost', 0],
      ['focus', 0],
      ['outcomes', 0],
      ['risk', 0],
    ]);
  });

  it('names the drivers that appeared, went away or moved, and leaves out the ones that stayed', () => {
    expect(compareScores(march, april).drivers).toEqual([
      { kind: 'task', id: 'c-task', name: 'Campaign', component: 'schedule', effectFrom: 0, effectTo: 17.3 },
      { kind: 'risk', id: 'a-risk', name: 'Supplier', component: 'risk', effectFrom: 2, effectTo: 0 },
    ]);
  });

  it('says "unchanged" when nothing moved', () => {
    const comparison = compareScores(march, march);
    expect(comparison).toMatchObject({ scoreChange: 0, drivers: [], summary: 'Unchanged at 72.5 (still on track).' });
  });

  it('reads a rise the other way round', () => {
    expect(compareScores(april, march).summary).toMatch(
      /^Rose 17\.4 points, 55\.1 → 72\.5 \(at risk → on track\); most from schedule \(\+17\.3 points\)/,
    );
  });
});

describe('compareScores when components start or stop applying', () => {
  it('says which now count and which no longer apply, then the largest move', () => {
    const empty: ScoreAt = {
      score: 100,
      band: 'on_track',
      components: [
        component('schedule', null, 0.3, 0, 'no live tasks'),
        component('cost', 80, 0.2, 0, 'spent 1,000.00 for work worth 800.00 (CPI 0.80)'),
        component('risk', 100, 0.1, 100, 'no open high risks'),
      ],
      drivers: [],
    };
    const working: ScoreAt = {
      score: 60,
      band: 'at_risk',
      components: [
        component('schedule', 50, 0.3, 50, 'earned 50% of the value planned by now (SPI 0.50)'),
        component('cost', null, 0.2, 0, 'nothing spent'),
        component('risk', 100, 0.1, 10, 'no open high risks'),
      ],
      drivers: [],
    };
    expect(compareScores(empty, working).summary).toBe(
      'Fell 40 points, 100 → 60 (on track → at risk); schedule now counts; cost no longer applies; most from risk (−90 points): no open high risks → no open high risks.',
    );
  });
});
