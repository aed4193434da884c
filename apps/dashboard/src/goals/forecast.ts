import type { metrics } from '@throughline/api-client';

type Forecast = metrics.ForecastView;
type GapReason = metrics.CostForecastGapView['reason'];

/** Why a forecast figure is missing, in a director's words. */
const GAP_WORDS: Record<GapReason, string> = {
  no_planned_cost: 'no work with a planned cost yet',
  no_cost_booked: 'no cost booked yet',
  no_value_earned: 'no work done yet',
  no_budget: 'no budget',
  budget_spent: 'the budget is spent',
  no_work_remaining: 'all the work is done',
  no_period: 'no period',
  no_live_tasks: 'no tasks yet',
  nothing_planned_yet: 'nothing was planned to be done by now',
};

export interface ForecastReading {
  /** Over or within budget at completion, and by how much (minor units); null when it cannot be forecast. */
  costVerdict: { overrun: boolean; byMinor: number } | null;
  /** Late or on time at completion, and by how many days; null when it cannot be forecast. */
  scheduleVerdict: { late: boolean; byDays: number } | null;
  /** Why the figures that are missing are, once each. */
  gaps: string[];
}

/** What the forecast says, for the goal page: verdicts from its variance and slip, and the reasons for what it cannot say. */
export function readForecast(forecast: Forecast): ForecastReading {
  const { varianceAtCompletion } = forecast.cost;
  const { slipDays } = forecast.schedule;
  const reasons = [...forecast.cost.missing, ...forecast.schedule.missing].map((gap) => GAP_WORDS[gap.reason]);
  return {
    costVerdict:
      varianceAtCompletion === null
        ? null
        : { overrun: varianceAtCompletion < 0, byMinor: Math.abs(varianceAtCompletion) },
    scheduleVerdict: slipDays === null ? null : { late: slipDays > 0, byDays: Math.max(0, slipDays) },
    gaps: [...new Set(reasons)],
  };
}
