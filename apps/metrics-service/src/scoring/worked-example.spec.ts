import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addFacts, DEFAULT_SETTINGS, emptyFacts, reweighScore, scoreScope } from './alignment-formula';
import {
  budgetFacts,
  keyResultContribution,
  riskFacts,
  taskContribution,
  TaskState,
  unmitigatedExposure,
  weightedShare,
} from './contribution-formula';
import { forecast } from './forecast.rules';

const asOf = '2026-03-01';
const period = { periodStart: '2026-01-01', periodEnd: '2026-06-30' };

/** The items of docs/alignment.md's worked example and the goal's facts, summed from them. */
function workedExampleItems() {
  const task = (overrides: Partial<TaskState>): TaskState => ({
    known: true,
    status: 'in_progress',
    startDate: '2026-01-01',
    minutes: 0,
    linked: true,
    progress: 0,
    weightMilli: 1000,
    dueDate: null,
    plannedCostMinor: 0,
    actualCostMinor: 0,
    ...overrides,
  });
  const pilot = taskContribution(
    task({
      progress: 30,
      weightMilli: 2000,
      dueDate: '2026-02-27',
      plannedCostMinor: 4_000_000,
      actualCostMinor: 3_000_000,
    }),
    asOf,
  );
  const campaign = taskContribution(
    task({
      progress: 40,
      weightMilli: 1000,
      dueDate: '2026-04-30',
      plannedCostMinor: 2_000_000,
      actualCostMinor: 500_000,
    }),
    asOf,
  );
  const preOrders = keyResultContribution(
    { baseline: 0, target: 1000, direction: 'increase', weightMilli: 1000, current: 300 },
    period,
    asOf,
  );
  const unitCost = keyResultContribution(
    { baseline: 52, target: 40, direction: 'decrease', weightMilli: 1000, current: 49 },
    period,
    asOf,
  );
  const exposure = unmitigatedExposure({ likelihood: 3, impact: 4, mitigation: null, status: 'open' }, 12);
  const facts = [
    pilot.facts,
    campaign.facts,
    preOrders.facts,
    unitCost.facts,
    riskFacts(exposure),
    budgetFacts(10_000_000),
  ].reduce((sum, part) => addFacts(sum, part), emptyFacts());
  return { pilot, campaign, preOrders, unitCost, exposure, facts };
}

/** docs/alignment.md's worked example, computed here; the figures in the document must be these. */
function workedExample() {
  const { pilot, campaign, preOrders, unitCost, exposure, facts } = workedExampleItems();
  const score = scoreScope('goal', facts, undefined, {
    tasks: [
      {
        taskId: 'pilot',
        title: 'Pilot production run',
        plannedValue: pilot.plannedValue,
        earnedValueCapped: pilot.earnedValueCapped,
        earnedCost: pilot.earnedCost,
        actualCost: 3_000_000,
      },
      {
        taskId: 'campaign',
        title: 'Launch campaign',
        plannedValue: campaign.plannedValue,
        earnedValueCapped: campaign.earnedValueCapped,
        earnedCost: campaign.earnedCost,
        actualCost: 500_000,
      },
    ],
    keyResults: [
      { keyResultId: 'pre-orders', name: 'Pre-orders', weight: 1000, attainment: preOrders.attainment },
      { keyResultId: 'unit-cost', name: 'Cost per unit', weight: 1000, attainment: unitCost.attainment },
    ],
    risks: [{ riskId: 'supplier', title: 'Supplier cannot deliver the casing', exposure }],
  });
  return {
    pilot: {
      plannedValue: pilot.plannedValue,
      earnedValueCapped: pilot.earnedValueCapped,
      earnedCost: pilot.earnedCost,
    },
    campaign: {
      plannedValue: campaign.plannedValue,
      earnedValueCapped: campaign.earnedValueCapped,
      earnedCost: campaign.earnedCost,
    },
    keyResultAttainment: { preOrders: preOrders.attainment, unitCost: unitCost.attainment },
    riskExposure: exposure,
    score: score.score,
    band: score.band,
    components: score.components.map(({ name, value, weight, contribution }) => ({
      name,
      value,
      weight,
      contribution,
    })),
    drivers: score.drivers.map(({ id, component, effect }) => ({ id, component, effect })),
  };
}

/** The same goal's forecast at completion (docs/alignment.md, "Forecasts"). */
function workedForecast() {
  const { facts } = workedExampleItems();
  return forecast({
    kind: 'goal',
    facts,
    asOf,
    period: { start: period.periodStart, end: period.periodEnd },
    closedOn: null,
  });
}

/** The same goal's stored score re-weighed under a later settings version (docs/alignment.md, "Scores as of any date"). */
function workedReweighing() {
  const { facts } = workedExampleItems();
  const stored = scoreScope('goal', facts);
  const version2 = {
    weights: { ...DEFAULT_SETTINGS.weights, risk: 0.5 },
    bands: { onTrack: 65, atRisk: 40 },
  };
  const { score, band, components } = reweighScore(stored.components, version2);
  return {
    settings: version2,
    score,
    band,
    contributions: Object.fromEntries(components.map((component) => [component.name, component.contribution])),
  };
}

/** The same goal giving 60 % of its work to its parent and 40 % to another goal (docs/alignment.md, "A goal that serves several goals"). */
function workedWeightedShares() {
  const { facts } = workedExampleItems();
  const pick = (shared: typeof facts) => ({
    plannedValue: shared.plannedValue,
    earnedValueCapped: shared.earnedValueCapped,
    actualCost: shared.actualCost,
    goalBudget: shared.goalBudget,
  });
  return { goal: pick(facts), parent60: pick(weightedShare(facts, 60)), other40: pick(weightedShare(facts, 40)) };
}

const documentBlock = (marker: string) => {
  const document = readFileSync(join(__dirname, '../../../../docs/alignment.md'), 'utf8');
  const block = new RegExp(`<!-- ${marker} -->\\s*\`\`\`json\\n([\\s\\S]*?)\`\`\``).exec(document);
  expect(block).not.toBeNull();
  return JSON.parse(block![1]);
};

describe('the worked example of docs/alignment.md', () => {
  it('has the figures the document shows', () => {
    expect(workedExample()).toEqual(documentBlock('worked-example'));
  });

  it('has the forecast the document shows', () => {
    expect(workedForecast()).toEqual(documentBlock('forecast-worked-example'));
  });

  it('is forecast to overrun its budget and finish late', () => {
    expect(workedForecast()).toMatchObject({ cost: { overrun: true }, schedule: { late: true } });
  });

  it('has the re-weighed score the document shows', () => {
    expect(workedReweighing()).toEqual(documentBlock('reweighed-worked-example'));
  });

  it('shares its facts out by the weights the document shows', () => {
    expect(workedWeightedShares()).toEqual(documentBlock('weighted-worked-example'));
  });

  it('lands at risk at 63.4', () => {
    expect(workedExample()).toMatchObject({ score: 63.4, band: 'at_risk' });
  });
});
