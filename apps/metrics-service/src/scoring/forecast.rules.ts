/**
 * Forecasts at completion from earned value, beside the score's CPI and SPI (docs/alignment.md,
 * "Forecasts"). Pure: computed at read time from a scope's stored facts, no framework.
 *
 * Cost — the "work continues at today's cost efficiency" estimate:
 *   EAC = AC + (BAC − EV) / CPI, with CPI = EV / AC,
 * where BAC is the budgeted cost of the scope's live work (Σ planned cost), EV the earned cost
 * (Σ planned cost × progress) and AC the cost booked. Of the textbook variants this one assumes
 * the overrun or saving seen so far goes on at the same rate: the others either assume the rest
 * goes to plan (AC + BAC − EV, which ignores the evidence) or weigh in SPI (which counts lateness
 * as cost even where time is not money). The forecast is then held against the budget: the goal
 * budget for goals, the planned cost of the live tasks for managers, units and the organisation
 * (the same budget the cost component uses): ETC = EAC − AC, VAC = budget − EAC, and
 * TCPI = (BAC − EV) / (budget − AC), the cost efficiency the remaining work needs to finish
 * within the budget.
 *
 * Schedule — the period stretched by schedule performance: a goal planned over `span` days
 * (start … end inclusive) whose work earns SPI of the value planned by now is projected to last
 * span / SPI days: projected finish = start + ⌈span / SPI⌉ − 1 (so SPI 1 finishes on the end day).
 * SPI is the score's (earned value counted up to each task's planned value), so it never exceeds
 * 1 and no goal is projected to finish early. Work still outstanding cannot finish in the past:
 * after the end date the projection is no earlier than the as-of day. Earned schedule would read
 * the date at which today's earned value was planned, which needs the planned-value curve over
 * time; the facts hold only today's planned value.
 *
 * Where a figure cannot be forecast it is null, with the reason in `missing` — never Infinity or NaN.
 */
import { FactVector, ScopeKind } from './alignment-formula';
import { dayNumber, isoDay } from './contribution-formula';
import { formatMoney } from './money';

export const FORECAST_GAP_REASONS = [
  'no_planned_cost',
  'no_cost_booked',
  'no_value_earned',
  'no_budget',
  'budget_spent',
  'no_work_remaining',
  'no_period',
  'no_live_tasks',
  'nothing_planned_yet',
] as const;
export type ForecastGapReason = (typeof FORECAST_GAP_REASONS)[number];

export interface ForecastGap<Field extends string> {
  field: Field;
  reason: ForecastGapReason;
}

export type CostForecastField =
  | 'costPerformanceIndex'
  | 'estimateAtCompletion'
  | 'estimateToComplete'
  | 'varianceAtCompletion'
  | 'toCompletePerformanceIndex';

/** Money in minor units of the scope's currency. */
export interface CostForecast {
  /** The budget the forecast is held against: the goal budget for goals, else the planned cost of the live tasks. */
  budget: number;
  /** BAC: the budgeted cost of the scope's live work (Σ planned cost). */
  budgetedWork: number;
  /** EV: the budgeted cost of the work done. */
  earnedValue: number;
  /** AC. */
  actualCost: number;
  /** CPI = EV / AC, to 3 decimals. */
  costPerformanceIndex: number | null;
  /** EAC = AC + (BAC − EV) / CPI, rounded to the minor unit. */
  estimateAtCompletion: number | null;
  /** ETC = EAC − AC. */
  estimateToComplete: number | null;
  /** VAC = budget − EAC: negative when the scope is forecast to overrun. */
  varianceAtCompletion: number | null;
  /** TCPI = (BAC − EV) / (budget − AC), to 3 decimals: the efficiency the rest needs to stay within the budget. */
  toCompletePerformanceIndex: number | null;
  /** VAC < 0; null when VAC is. */
  overrun: boolean | null;
  detail: string;
  missing: Array<ForecastGap<CostForecastField>>;
}

export type ScheduleForecastField = 'schedulePerformanceIndex' | 'projectedFinish' | 'slipDays';

export interface ScheduleForecast {
  /** SPI = earned value (capped per task) / planned value, to 3 decimals. */
  schedulePerformanceIndex: number | null;
  plannedStart: string | null;
  plannedEnd: string | null;
  /** The projected last day (YYYY-MM-DD); the day it closed for a finished goal. */
  projectedFinish: string | null;
  /** Days from the planned end to the projected finish (0 = on time). */
  slipDays: number | null;
  /** slipDays > 0; null when it is. */
  late: boolean | null;
  detail: string;
  missing: Array<ForecastGap<ScheduleForecastField>>;
}

export interface Forecast {
  cost: CostForecast;
  schedule: ScheduleForecast;
}

export interface ForecastInput {
  kind: ScopeKind;
  facts: FactVector;
  /** The organisation's current day (YYYY-MM-DD). */
  asOf: string;
  /** A goal's period; null for other scopes or a goal without one. */
  period: { start: string; end: string } | null;
  /** The day a closed goal closed: its forecast is then what happened. */
  closedOn?: string | null;
}

const round3 = (value: number) => Math.round(value * 1000) / 1000;

export function forecast(input: ForecastInput): Forecast {
  return { cost: costForecast(input), schedule: scheduleForecast(input) };
}

function costForecast({ kind, facts, closedOn }: ForecastInput): CostForecast {
  const budget = kind === 'goal' ? facts.goalBudget : facts.plannedCost;
  const budgetedWork = facts.plannedCost;
  const earnedValue = facts.earnedCost;
  const actualCost = facts.actualCost;
  const remainingWork = Math.max(0, budgetedWork - earnedValue);
  const missing: Array<ForecastGap<CostForecastField>> = [];
  const gap = (field: CostForecastField, reason: ForecastGapReason) => {
    missing.push({ field, reason });
    return null;
  };

  const cpi =
    actualCost === 0
      ? gap('costPerformanceIndex', 'no_cost_booked')
      : earnedValue === 0
        ? gap('costPerformanceIndex', 'no_value_earned')
        : round3(earnedValue / actualCost);

  const eacReason: ForecastGapReason | null = closedOn
    ? null
    : budgetedWork === 0
      ? 'no_planned_cost'
      : remainingWork === 0
        ? null
        : actualCost === 0
          ? 'no_cost_booked'
          : earnedValue === 0
            ? 'no_value_earned'
            : null;
  // A closed goal or finished work costs what was booked; else (BAC − EV) / CPI = (BAC − EV) × AC / EV,
  // multiplied first so the figure is exact before rounding.
  const eac =
    eacReason !== null
      ? null
      : closedOn || remainingWork === 0
        ? actualCost
        : actualCost + Math.round((remainingWork * actualCost) / earnedValue);
  if (eacReason) {
    gap('estimateAtCompletion', eacReason);
    gap('estimateToComplete', eacReason);
  }
  const etc = eac === null ? null : eac - actualCost;

  let vac: number | null = null;
  if (budget === 0) gap('varianceAtCompletion', 'no_budget');
  else if (eac === null) gap('varianceAtCompletion', eacReason!);
  else vac = budget - eac;

  let tcpi: number | null = null;
  if (closedOn || remainingWork === 0)
    gap('toCompletePerformanceIndex', budgetedWork === 0 ? 'no_planned_cost' : 'no_work_remaining');
  else if (budget === 0) gap('toCompletePerformanceIndex', 'no_budget');
  else if (budget <= actualCost) gap('toCompletePerformanceIndex', 'budget_spent');
  else tcpi = round3(remainingWork / (budget - actualCost));

  return {
    budget,
    budgetedWork,
    earnedValue,
    actualCost,
    costPerformanceIndex: cpi,
    estimateAtCompletion: eac,
    estimateToComplete: etc,
    varianceAtCompletion: vac,
    toCompletePerformanceIndex: tcpi,
    overrun: vac === null ? null : vac < 0,
    detail: costDetail(budget, eac, vac, eacReason, closedOn),
    missing,
  };
}

function costDetail(
  budget: number,
  eac: number | null,
  vac: number | null,
  eacReason: ForecastGapReason | null,
  closedOn: string | null | undefined,
): string {
  if (eac === null) return COST_GAP_DETAIL[eacReason!]!;
  const at = closedOn ? `closed having cost ${formatMoney(eac)}` : `forecast to cost ${formatMoney(eac)} at completion`;
  if (vac === null) return `${at}, with no budget to hold it against`;
  return vac < 0
    ? `${at}: ${formatMoney(-vac)} over the budget ${formatMoney(budget)}`
    : `${at}: ${formatMoney(vac)} within the budget ${formatMoney(budget)}`;
}

const COST_GAP_DETAIL: Partial<Record<ForecastGapReason, string>> = {
  no_planned_cost: 'no live work has a planned cost: nothing to project the cost of',
  no_cost_booked: 'no cost booked yet: no cost performance to project from',
  no_value_earned: 'cost booked but no budgeted work done yet: no cost performance to project from',
};

function scheduleForecast({ facts, asOf, period, closedOn }: ForecastInput): ScheduleForecast {
  const missing: Array<ForecastGap<ScheduleForecastField>> = [];
  const spi =
    facts.liveTasks === 0
      ? null
      : facts.plannedValue === 0
        ? null
        : round3(facts.earnedValueCapped / facts.plannedValue);
  const spiReason: ForecastGapReason | null =
    facts.liveTasks === 0 ? 'no_live_tasks' : facts.plannedValue === 0 ? 'nothing_planned_yet' : null;
  if (spiReason) missing.push({ field: 'schedulePerformanceIndex', reason: spiReason });
  const result = (
    projectedFinish: string | null,
    reason: ForecastGapReason | null,
    detail: string,
  ): ScheduleForecast => {
    if (reason) missing.push({ field: 'projectedFinish', reason }, { field: 'slipDays', reason });
    const slipDays = projectedFinish && period ? dayNumber(projectedFinish) - dayNumber(period.end) : null;
    return {
      schedulePerformanceIndex: spi,
      plannedStart: period?.start ?? null,
      plannedEnd: period?.end ?? null,
      projectedFinish,
      slipDays,
      late: slipDays === null ? null : slipDays > 0,
      detail,
      missing,
    };
  };

  if (!period) return result(null, 'no_period', 'no period to project a finish date against: only goals have one');
  if (closedOn) return result(closedOn, null, `closed on ${closedOn}`);
  if (spiReason) return result(null, spiReason, SCHEDULE_GAP_DETAIL[spiReason]!);
  if (facts.earnedValueCapped === 0)
    return result(null, 'no_value_earned', 'work was planned by now but none of it is done: no pace to project from');
  const start = dayNumber(period.start);
  const span = dayNumber(period.end) + 1 - start;
  // span / SPI = span × PV / EV, multiplied first so whole-day results stay exact.
  const projected = start + Math.ceil((span * facts.plannedValue) / facts.earnedValueCapped) - 1;
  const today = dayNumber(asOf);
  const finish = projected < today && facts.earnedValueCapped < facts.plannedValue ? today : projected;
  const detail =
    finish === projected
      ? `at SPI ${spi!.toFixed(2)} the ${span}-day period is projected to end on ${isoDay(finish)}`
      : `still behind plan (SPI ${spi!.toFixed(2)}) after the projected ${isoDay(projected)}: no earlier than ${isoDay(today)}`;
  return result(isoDay(finish), null, detail);
}

const SCHEDULE_GAP_DETAIL: Partial<Record<ForecastGapReason, string>> = {
  no_live_tasks: 'no live work is linked: nothing to project a finish date from',
  nothing_planned_yet: 'no work is planned to be done yet: no pace to project from',
};
