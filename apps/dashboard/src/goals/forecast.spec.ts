import type { metrics } from '@throughline/api-client';
import { readForecast } from './forecast';

const forecast = (
  cost: Partial<metrics.CostForecastView>,
  schedule: Partial<metrics.ScheduleForecastView>,
): metrics.ForecastView => ({
  scope: 'goal',
  scopeId: 'g',
  name: 'Launch',
  asOf: '2026-03-01',
  currency: 'EUR',
  cost: {
    budget: 100_000,
    budgetedWork: 80_000,
    earnedValue: 20_000,
    actualCost: 30_000,
    costPerformanceIndex: null,
    estimateAtCompletion: null,
    estimateToComplete: null,
    varianceAtCompletion: null,
    toCompletePerformanceIndex: null,
    overrun: null,
    detail: '',
    missing: [],
    ...cost,
  },
  schedule: {
    schedulePerformanceIndex: null,
    plannedStart: '2026-01-01',
    plannedEnd: '2026-06-30',
    projectedFinish: null,
    slipDays: null,
    late: null,
    detail: '',
    missing: [],
    ...schedule,
  },
});

describe('reading a forecast for the goal page', () => {
  it.each([
    [-20_000, 12, { overrun: true, byMinor: 20_000 }, { late: true, byDays: 12 }],
    [5_000, 0, { overrun: false, byMinor: 5_000 }, { late: false, byDays: 0 }],
    [0, -3, { overrun: false, byMinor: 0 }, { late: false, byDays: 0 }],
  ])('variance %p and slip %p days', (varianceAtCompletion, slipDays, cost, schedule) => {
    const reading = readForecast(forecast({ varianceAtCompletion }, { slipDays }));
    expect(reading).toEqual({ costVerdict: cost, scheduleVerdict: schedule, gaps: [] });
  });

  it('says why what is missing is missing, each reason once', () => {
    const reading = readForecast(
      forecast(
        {
          missing: [
            { field: 'estimateAtCompletion', reason: 'no_value_earned' },
            { field: 'varianceAtCompletion', reason: 'no_value_earned' },
          ],
        },
        { missing: [{ field: 'projectedFinish', reason: 'nothing_planned_yet' }] },
      ),
    );
    expect(reading.costVerdict).toBeNull();
    expect(reading.scheduleVerdict).toBeNull();
    expect(reading.gaps).toEqual(['no work done yet', 'nothing was planned to be done by now']);
  });
});
