/**
 * What one task, key result or risk contributes to the scopes it rolls up into, as of a day,
 * and the next day on which that contribution changes by time alone. Pure: no framework.
 */
import type { TaskStatus } from '@throughline/contracts';
import { emptyFacts, FACT_KEYS, FactVector } from './alignment-formula';

/** Planned value grows in quarters of the time from a task's creation to its due date. */
export const TASK_PLAN_STEPS = 4;
/** Where a key result should be is re-evaluated weekly through the goal's period. */
export const KEY_RESULT_STEP_DAYS = 7;

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of an ISO date (YYYY-MM-DD) or date-time, in UTC. */
export function dayNumber(isoDate: string): number {
  return Math.floor(Date.parse(isoDate.slice(0, 10) + 'T00:00:00Z') / DAY_MS);
}

export function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function weightMilli(weight: number): number {
  return Math.round(weight * 1000);
}

export interface Stepped {
  /** Steps reached, 0…steps. */
  reached: number;
  /** First day a further step is reached; null once all are. */
  nextDay: number | null;
}

/** How many of `steps` equal steps of [start, endExclusive) have been reached on `day`. */
export function quarterSteps(start: number, endExclusive: number, day: number, steps: number): Stepped {
  if (day >= endExclusive) return { reached: steps, nextDay: null };
  const span = endExclusive - start;
  if (span <= 0) return { reached: steps, nextDay: null };
  const reached = Math.max(0, Math.min(steps - 1, Math.floor(((day - start) * steps) / span)));
  let nextDay = start + Math.ceil(((reached + 1) * span) / steps);
  if (nextDay <= day) nextDay = day + 1;
  return { reached, nextDay: Math.min(nextDay, endExclusive) };
}

export interface TaskState {
  known: boolean;
  status: TaskStatus;
  progress: number;
  weightMilli: number;
  /** The day the task was created (start of its planned value); null while unknown. */
  startDate: string | null;
  dueDate: string | null;
  plannedCostMinor: number;
  actualCostMinor: number;
  minutes: number;
  linked: boolean;
}

export interface TaskContribution {
  facts: FactVector;
  nextChangeOn: string | null;
  plannedValue: number;
  earnedValueCapped: number;
  earnedCost: number;
  /** Planned value not earned: ranks the tasks that hold a schedule back. */
  scheduleShortfall: number;
  /** Actual cost beyond the value of the work done: ranks the tasks that hold cost back. */
  costOverrun: number;
}

export function taskContribution(task: TaskState, asOf: string): TaskContribution {
  const facts = emptyFacts();
  const live = task.known && task.status !== 'cancelled';
  let nextChangeOn: string | null = null;
  let plannedValue = 0;
  let earnedValueCapped = 0;
  let earnedCost = 0;
  if (live) {
    const full = task.weightMilli * 100;
    if (task.dueDate) {
      const start = task.startDate ? dayNumber(task.startDate) : dayNumber(task.dueDate);
      const stepped = quarterSteps(start, dayNumber(task.dueDate) + 1, dayNumber(asOf), TASK_PLAN_STEPS);
      plannedValue = (full * stepped.reached) / TASK_PLAN_STEPS;
      nextChangeOn = stepped.nextDay === null ? null : isoDay(stepped.nextDay);
    }
    const earned = task.status === 'done' ? full : task.weightMilli * task.progress;
    earnedValueCapped = Math.min(earned, plannedValue);
    const progress = task.status === 'done' ? 100 : task.progress;
    earnedCost = Math.floor((task.plannedCostMinor * progress) / 100);
    facts.liveTasks = 1;
    facts.plannedValue = plannedValue;
    facts.earnedValueCapped = earnedValueCapped;
    facts.plannedCost = task.plannedCostMinor;
    facts.earnedCost = earnedCost;
  }
  facts.actualCost = task.actualCostMinor;
  if (task.linked) {
    facts.linkedMinutes = task.minutes;
    facts.linkedCost = task.actualCostMinor;
  } else {
    facts.unlinkedMinutes = task.minutes;
    facts.unlinkedCost = task.actualCostMinor;
  }
  return {
    facts,
    nextChangeOn,
    plannedValue,
    earnedValueCapped,
    earnedCost,
    scheduleShortfall: plannedValue - earnedValueCapped,
    costOverrun: Math.max(0, task.actualCostMinor - earnedCost),
  };
}

export interface KeyResultState {
  baseline: number;
  target: number;
  direction: 'increase' | 'decrease';
  weightMilli: number;
  /** The latest measured value; null before the first check-in (counts as the baseline). */
  current: number | null;
}

export interface GoalPeriod {
  periodStart: string;
  periodEnd: string;
}

/** Share of the way from baseline to target (0–1), direction-aware: decrease KRs count down. */
export function keyResultProgress(keyResult: KeyResultState): number {
  const current = keyResult.current ?? keyResult.baseline;
  if (keyResult.target === keyResult.baseline) {
    const met = keyResult.direction === 'increase' ? current >= keyResult.target : current <= keyResult.target;
    return met ? 1 : 0;
  }
  const progress = (current - keyResult.baseline) / (keyResult.target - keyResult.baseline);
  return Math.max(0, Math.min(1, progress));
}

/** Where a key result should be by now: the elapsed share of the goal period, advanced weekly. */
export function expectedKeyResultProgress(
  period: GoalPeriod,
  asOf: string,
): { expected: number; nextChangeOn: string | null } {
  const start = dayNumber(period.periodStart);
  const endExclusive = dayNumber(period.periodEnd) + 1;
  const day = dayNumber(asOf);
  if (day >= endExclusive) return { expected: 1, nextChangeOn: null };
  if (day < start) return { expected: 0, nextChangeOn: isoDay(start + KEY_RESULT_STEP_DAYS) };
  const weeks = Math.floor((day - start) / KEY_RESULT_STEP_DAYS);
  const span = endExclusive - start;
  return {
    expected: Math.min(1, (weeks * KEY_RESULT_STEP_DAYS) / span),
    nextChangeOn: isoDay(Math.min(endExclusive, start + (weeks + 1) * KEY_RESULT_STEP_DAYS)),
  };
}

export interface KeyResultContribution {
  facts: FactVector;
  /** Attainment against expectation in basis points (10000 = where it should be, or better). */
  attainment: number;
  nextChangeOn: string | null;
}

export function keyResultContribution(
  keyResult: KeyResultState,
  period: GoalPeriod,
  asOf: string,
): KeyResultContribution {
  const { expected, nextChangeOn } = expectedKeyResultProgress(period, asOf);
  const progress = keyResultProgress(keyResult);
  const attainment = expected <= 0 ? 10_000 : Math.round(10_000 * Math.min(1, progress / expected));
  const facts = emptyFacts();
  facts.keyResultWeight = keyResult.weightMilli;
  facts.keyResultScore = keyResult.weightMilli * attainment;
  return { facts, attainment, nextChangeOn };
}

export interface RiskState {
  likelihood: number;
  impact: number;
  mitigation: string | null;
  status: 'open' | 'mitigated' | 'materialised' | 'closed';
}

/** Likelihood × impact when the risk is open, high and has no mitigation; else 0. */
export function unmitigatedExposure(risk: RiskState, highRiskExposure: number): number {
  const exposure = risk.likelihood * risk.impact;
  const mitigated = risk.mitigation !== null && risk.mitigation.trim().length > 0;
  return risk.status === 'open' && !mitigated && exposure >= highRiskExposure ? exposure : 0;
}

export function riskFacts(exposure: number): FactVector {
  return { ...emptyFacts(), riskExposure: exposure };
}

export function budgetFacts(budgetMinor: number): FactVector {
  return { ...emptyFacts(), goalBudget: budgetMinor };
}

/**
 * The part of a goal's facts that rolls up into a goal it contributes to with `weightPercent`
 * (issue 17's weighted contribution graph). Each fact is rounded to a whole unit, half up, so a
 * link's share depends on the goal's facts alone: the same whatever order its changes came in.
 */
export function weightedShare(facts: FactVector, weightPercent: number): FactVector {
  const share = emptyFacts();
  for (const key of FACT_KEYS) share[key] = Math.round((facts[key] * weightPercent) / 100);
  return share;
}
