/**
 * The alignment formula, free of framework and storage so it can be read and tested alone
 * (docs/alignment.md explains it with a worked example).
 *
 * Every scope (goal, manager, org unit, organisation) is scored from one vector of additive
 * integer facts: each task, key result, risk and budget contributes its own vector, and a
 * scope's facts are the sum over what rolls up into it. Integers keep sums exact, so the
 * same facts give the same score whatever order the events arrived in.
 */
import { formatMoney } from './money';

export type ScoreBand = 'on_track' | 'at_risk' | 'off_track';
export type ScopeKind = 'goal' | 'manager' | 'org_unit' | 'organisation';
export const COMPONENT_NAMES = ['schedule', 'cost', 'outcomes', 'focus', 'risk'] as const;
export type ComponentName = (typeof COMPONENT_NAMES)[number];

/** Additive facts of a scope. Weights are milli-units (weight × 1000), money minor units, shares basis points. */
export interface FactVector {
  /** Tasks that still count (not cancelled). */
  liveTasks: number;
  /** Planned value: Σ weight × 100 × planned fraction (steps of a quarter of the time to the due date). */
  plannedValue: number;
  /** Earned value counted up to each task's planned value, so early work elsewhere cannot hide a late task. */
  earnedValueCapped: number;
  plannedCost: number;
  /** Σ planned cost × progress: the money value of the work done. */
  earnedCost: number;
  actualCost: number;
  linkedMinutes: number;
  unlinkedMinutes: number;
  linkedCost: number;
  unlinkedCost: number;
  /** Σ key-result weight (milli). */
  keyResultWeight: number;
  /** Σ key-result weight (milli) × attainment against expectation (basis points, 0–10000). */
  keyResultScore: number;
  /** Σ likelihood × impact of open high risks without mitigation. */
  riskExposure: number;
  /** Σ budgets of the goals in the scope. */
  goalBudget: number;
}

export const FACT_KEYS = [
  'liveTasks',
  'plannedValue',
  'earnedValueCapped',
  'plannedCost',
  'earnedCost',
  'actualCost',
  'linkedMinutes',
  'unlinkedMinutes',
  'linkedCost',
  'unlinkedCost',
  'keyResultWeight',
  'keyResultScore',
  'riskExposure',
  'goalBudget',
] as const satisfies ReadonlyArray<keyof FactVector>;

// Written out key by key: these run for every scope of every contribution, and a literal of one
// shape is several times cheaper than building the vector from FACT_KEYS (it led the drain's profile).
export function emptyFacts(): FactVector {
  return {
    liveTasks: 0,
    plannedValue: 0,
    earnedValueCapped: 0,
    plannedCost: 0,
    earnedCost: 0,
    actualCost: 0,
    linkedMinutes: 0,
    unlinkedMinutes: 0,
    linkedCost: 0,
    unlinkedCost: 0,
    keyResultWeight: 0,
    keyResultScore: 0,
    riskExposure: 0,
    goalBudget: 0,
  };
}

export function addFacts(a: FactVector, b: FactVector, sign: 1 | -1 = 1): FactVector {
  return {
    liveTasks: a.liveTasks + sign * b.liveTasks,
    plannedValue: a.plannedValue + sign * b.plannedValue,
    earnedValueCapped: a.earnedValueCapped + sign * b.earnedValueCapped,
    plannedCost: a.plannedCost + sign * b.plannedCost,
    earnedCost: a.earnedCost + sign * b.earnedCost,
    actualCost: a.actualCost + sign * b.actualCost,
    linkedMinutes: a.linkedMinutes + sign * b.linkedMinutes,
    unlinkedMinutes: a.unlinkedMinutes + sign * b.unlinkedMinutes,
    linkedCost: a.linkedCost + sign * b.linkedCost,
    unlinkedCost: a.unlinkedCost + sign * b.unlinkedCost,
    keyResultWeight: a.keyResultWeight + sign * b.keyResultWeight,
    keyResultScore: a.keyResultScore + sign * b.keyResultScore,
    riskExposure: a.riskExposure + sign * b.riskExposure,
    goalBudget: a.goalBudget + sign * b.goalBudget,
  };
}

export function sameFacts(a: FactVector, b: FactVector): boolean {
  for (const key of FACT_KEYS) if (a[key] !== b[key]) return false;
  return true;
}

export function isZeroFacts(facts: FactVector): boolean {
  for (const key of FACT_KEYS) if (facts[key] !== 0) return false;
  return true;
}

export interface AlignmentSettings {
  weights: Record<ComponentName, number>;
  bands: BandThresholds;
  /** Alert when unlinked work exceeds this share of effort (0–1). */
  unlinkedShareAlert: number;
  /** A risk is high when likelihood × impact reaches this (1–25). */
  highRiskExposure: number;
}

export interface BandThresholds {
  onTrack: number;
  atRisk: number;
}

export const DEFAULT_SETTINGS: AlignmentSettings = {
  weights: { schedule: 0.3, cost: 0.2, outcomes: 0.3, focus: 0.1, risk: 0.1 },
  bands: { onTrack: 70, atRisk: 40 },
  unlinkedShareAlert: 0.3,
  highRiskExposure: 12,
};

/** Points one unit of unmitigated high-risk exposure costs the risk component (a 5×5 risk costs 50). */
export const RISK_POINTS_PER_EXPOSURE = 2;

export interface ScoreComponent {
  name: ComponentName;
  /** 0–100; null when the component does not apply (its weight is shared by the others). */
  value: number | null;
  weight: number;
  /** Points this component adds to the score. */
  contribution: number;
  /** Why the value is what it is, in figures. */
  detail: string;
}

export type DriverKind = 'task' | 'key_result' | 'risk' | 'manager';

export interface ScoreDriver {
  kind: DriverKind;
  id: string;
  name: string;
  component: ComponentName;
  /** Score points this item costs (how much higher the score would be without the shortfall). */
  effect: number;
  detail: string;
}

export interface Score {
  score: number;
  band: ScoreBand;
  components: ScoreComponent[];
  drivers: ScoreDriver[];
}

/** Items that may explain a score, with their own facts; the formula ranks them. */
export interface DriverCandidates {
  tasks?: Array<{
    taskId: string;
    title: string;
    plannedValue: number;
    earnedValueCapped: number;
    actualCost: number;
    earnedCost: number;
  }>;
  keyResults?: Array<{ keyResultId: string; name: string; weight: number; attainment: number }>;
  risks?: Array<{ riskId: string; title: string; exposure: number }>;
  managers?: Array<{ managerId: string; name: string; score: number }>;
}

export function band(score: number, thresholds: BandThresholds = DEFAULT_SETTINGS.bands): ScoreBand {
  if (score >= thresholds.onTrack) return 'on_track';
  if (score >= thresholds.atRisk) return 'at_risk';
  return 'off_track';
}

/** Rounded to 0.1 so the same facts always give the same, comparable score. */
export function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

const pct = (part: number, whole: number) => `${round1((100 * part) / whole)}%`;

interface RawComponent {
  value: number | null;
  detail: string;
}

function scheduleComponent(kind: ScopeKind, facts: FactVector): RawComponent {
  if (facts.liveTasks === 0) {
    return kind === 'goal'
      ? { value: 0, detail: 'no live work is linked to this goal' }
      : { value: null, detail: 'no live tasks' };
  }
  if (facts.plannedValue === 0)
    return { value: 100, detail: `${facts.liveTasks} live task(s), nothing planned to be done yet` };
  const spi = facts.earnedValueCapped / facts.plannedValue;
  return {
    value: 100 * Math.min(1, spi),
    detail: `earned ${pct(facts.earnedValueCapped, facts.plannedValue)} of the value planned by now (SPI ${spi.toFixed(2)})`,
  };
}

function costComponent(kind: ScopeKind, facts: FactVector): RawComponent {
  const budget = kind === 'goal' ? facts.goalBudget : facts.plannedCost;
  if (facts.actualCost === 0) return { value: null, detail: 'no cost booked yet' };
  const cpi = facts.earnedCost / facts.actualCost;
  const budgetFactor = budget === 0 ? 0 : Math.min(1, budget / facts.actualCost);
  const consumption =
    budget === 0 ? 'with no budget' : `${pct(facts.actualCost, budget)} of the budget ${formatMoney(budget)}`;
  return {
    value: 100 * Math.min(1, cpi) * budgetFactor,
    detail: `spent ${formatMoney(facts.actualCost)} (${consumption}) for work worth ${formatMoney(facts.earnedCost)} (CPI ${cpi.toFixed(2)})`,
  };
}

function outcomesComponent(facts: FactVector): RawComponent {
  if (facts.keyResultWeight === 0) return { value: null, detail: 'no key results' };
  const attainment = facts.keyResultScore / facts.keyResultWeight / 10_000;
  return {
    value: 100 * attainment,
    detail: `key results at ${round1(100 * attainment)}% of where they should be by now (weighted)`,
  };
}

function focusComponent(kind: ScopeKind, facts: FactVector): RawComponent {
  if (kind === 'goal') return { value: null, detail: 'focus is measured for managers, org units and the organisation' };
  const share = effortShare(facts);
  if (!share) return { value: null, detail: 'no hours or cost booked yet' };
  return {
    value: 100 * share.linkedShare,
    detail: `${pct(share.linked, share.linked + share.unlinked)} of ${share.basis} went to work linked to goals`,
  };
}

function riskComponent(kind: ScopeKind, facts: FactVector): RawComponent {
  if (kind === 'manager') return { value: null, detail: 'risks belong to goals and org units' };
  if (facts.riskExposure === 0) return { value: 100, detail: 'no open high risk without mitigation' };
  return {
    value: Math.max(0, 100 - RISK_POINTS_PER_EXPOSURE * facts.riskExposure),
    detail: `open high risks without mitigation: exposure ${facts.riskExposure} (likelihood × impact)`,
  };
}

/** Effort on linked versus unlinked work: hours when any were booked, else cost. */
export function effortShare(
  facts: FactVector,
): { basis: 'hours' | 'cost'; linked: number; unlinked: number; linkedShare: number; unlinkedShare: number } | null {
  const minutes = facts.linkedMinutes + facts.unlinkedMinutes;
  if (minutes > 0)
    return {
      basis: 'hours',
      linked: facts.linkedMinutes,
      unlinked: facts.unlinkedMinutes,
      linkedShare: facts.linkedMinutes / minutes,
      unlinkedShare: facts.unlinkedMinutes / minutes,
    };
  const cost = facts.linkedCost + facts.unlinkedCost;
  if (cost > 0)
    return {
      basis: 'cost',
      linked: facts.linkedCost,
      unlinked: facts.unlinkedCost,
      linkedShare: facts.linkedCost / cost,
      unlinkedShare: facts.unlinkedCost / cost,
    };
  return null;
}

/** The score of one scope with its explanation. */
export function scoreScope(
  kind: ScopeKind,
  facts: FactVector,
  settings: AlignmentSettings = DEFAULT_SETTINGS,
  candidates: DriverCandidates = {},
): Score {
  const raw: Record<ComponentName, RawComponent> = {
    schedule: scheduleComponent(kind, facts),
    cost: costComponent(kind, facts),
    outcomes: outcomesComponent(facts),
    focus: focusComponent(kind, facts),
    risk: riskComponent(kind, facts),
  };
  const { score, components, share } = weighComponents(raw, settings.weights);
  return { score, band: band(score, settings.bands), components, drivers: rankDrivers(facts, candidates, share) };
}

/**
 * A score recomputed from components already computed (a stored score's) under other weights and
 * bands: the same weighing as `scoreScope`, so under the weights a score was computed with it
 * gives that score again. The drivers are left as they were computed; the risk component's value
 * depends on `highRiskExposure`, so the caller must not change it this way.
 */
export function reweighScore(
  components: Array<Pick<ScoreComponent, 'name' | 'value' | 'detail'>>,
  settings: Pick<AlignmentSettings, 'weights' | 'bands'>,
): Pick<Score, 'score' | 'band' | 'components'> {
  const raw = Object.fromEntries(
    COMPONENT_NAMES.map((name) => {
      const stored = components.find((component) => component.name === name);
      return [name, { value: stored?.value ?? null, detail: stored?.detail ?? '' }];
    }),
  ) as Record<ComponentName, RawComponent>;
  const { score, components: reweighed } = weighComponents(raw, settings.weights);
  return { score, band: band(score, settings.bands), components: reweighed };
}

/** Each applicable component's share of the score is its weight over the applicable weights' sum. */
function weighComponents(raw: Record<ComponentName, RawComponent>, weights: Record<ComponentName, number>) {
  const applicableWeight = COMPONENT_NAMES.reduce(
    (sum, name) => sum + (raw[name].value === null ? 0 : weights[name]),
    0,
  );
  const components: ScoreComponent[] = COMPONENT_NAMES.map((name) => {
    const value = raw[name].value === null ? null : round1(raw[name].value as number);
    const contribution =
      value === null || applicableWeight === 0 ? 0 : round1((value * weights[name]) / applicableWeight);
    return { name, value, weight: weights[name], contribution, detail: raw[name].detail };
  });
  const score =
    applicableWeight === 0
      ? 0
      : round1(
          components.reduce(
            (sum, component) => sum + (component.value === null ? 0 : component.value * component.weight),
            0,
          ) / applicableWeight,
        );
  const share = (name: ComponentName) =>
    raw[name].value === null || applicableWeight === 0 ? 0 : weights[name] / applicableWeight;
  return { score, components, share };
}

const MAX_DRIVERS = 5;

function rankDrivers(
  facts: FactVector,
  candidates: DriverCandidates,
  share: (name: ComponentName) => number,
): ScoreDriver[] {
  const drivers: ScoreDriver[] = [];
  for (const task of candidates.tasks ?? []) {
    const shortfall = task.plannedValue - task.earnedValueCapped;
    if (shortfall > 0 && facts.plannedValue > 0) {
      drivers.push({
        kind: 'task',
        id: task.taskId,
        name: task.title,
        component: 'schedule',
        effect: round1((100 * share('schedule') * shortfall) / facts.plannedValue),
        detail: `behind plan by ${pct(shortfall, task.plannedValue)} of its planned value`,
      });
    }
    const overrun = task.actualCost - task.earnedCost;
    if (overrun > 0 && facts.actualCost > 0) {
      drivers.push({
        kind: 'task',
        id: task.taskId,
        name: task.title,
        component: 'cost',
        effect: round1((100 * share('cost') * overrun) / facts.actualCost),
        detail: `spent ${formatMoney(task.actualCost)} for work worth ${formatMoney(task.earnedCost)}`,
      });
    }
  }
  for (const keyResult of candidates.keyResults ?? []) {
    const gap = keyResult.weight * (10_000 - keyResult.attainment);
    if (gap > 0 && facts.keyResultWeight > 0) {
      drivers.push({
        kind: 'key_result',
        id: keyResult.keyResultId,
        name: keyResult.name,
        component: 'outcomes',
        effect: round1((share('outcomes') * gap) / facts.keyResultWeight / 100),
        detail: `at ${round1(keyResult.attainment / 100)}% of where it should be by now`,
      });
    }
  }
  for (const risk of candidates.risks ?? []) {
    if (risk.exposure > 0) {
      drivers.push({
        kind: 'risk',
        id: risk.riskId,
        name: risk.title,
        component: 'risk',
        effect: round1(share('risk') * Math.min(100, RISK_POINTS_PER_EXPOSURE * risk.exposure)),
        detail: `open, exposure ${risk.exposure}, no mitigation`,
      });
    }
  }
  for (const manager of candidates.managers ?? []) {
    if (manager.score < 100)
      drivers.push({
        kind: 'manager',
        id: manager.managerId,
        name: manager.name,
        component: 'schedule',
        effect: 0,
        detail: `manager score ${manager.score}`,
      });
  }
  return drivers
    .filter((driver) => driver.effect > 0 || driver.kind === 'manager')
    .sort((a, b) => b.effect - a.effect || a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id))
    .slice(0, MAX_DRIVERS);
}
