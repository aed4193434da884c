/**
 * The hypothetical changes a what-if simulation applies (docs/alignment.md, "What-if simulations"):
 * read from the request body, every problem named by its place (`changes[3].days`), and the
 * arithmetic of a cost change. Pure: no framework, no storage.
 */
import { FieldProblem } from '@throughline/service-kit/domain';
import { COMPONENT_NAMES, ComponentName } from '../scoring/alignment-formula';

/** At most this many changes in one simulation: each is applied inside one short transaction. */
export const MAX_SIMULATION_CHANGES = 50;
/** A slip of up to ten years either way. */
export const MAX_SLIP_DAYS = 3_650;
/** A cost change of −100 % (free) to +1,000 %. */
export const MIN_COST_PERCENT = -100;
export const MAX_COST_PERCENT = 1_000;
/** Money in minor units, as everywhere else (10^13 minor units = 100 billion). */
export const MAX_MONEY_MINOR = 10_000_000_000_000;

export type WorkTarget = { taskId: string } | { deliverableId: string };

export type SimulationChange =
  | ({ kind: 'slip'; days: number } & WorkTarget)
  | ({ kind: 'cost'; percent: number } & WorkTarget)
  | ({ kind: 'cost'; amountMinor: number } & WorkTarget)
  | { kind: 'risk'; riskId: string; to: RiskOutcome }
  | { kind: 'key_result'; keyResultId: string; value: number }
  | { kind: 'budget'; goalId: string; budgetMinor: number }
  | { kind: 'weights'; weights: Record<ComponentName, number> }
  | { kind: 'contributions'; goalId: string; contributesTo: Array<{ goalId: string; weightPercent: number }> };

export const SIMULATION_CHANGE_KINDS = [
  'slip',
  'cost',
  'risk',
  'key_result',
  'budget',
  'weights',
  'contributions',
] as const;
/** A goal shares its work out over at most this many goals, as strategy allows. */
export const MAX_CONTRIBUTIONS = 10;
export const RISK_OUTCOMES = ['materialised', 'mitigated'] as const;
export type RiskOutcome = (typeof RISK_OUTCOMES)[number];

/** The fields each kind takes (besides `kind`); any other is refused, as everywhere in the API. */
const FIELDS: Record<SimulationChange['kind'], string[]> = {
  slip: ['taskId', 'deliverableId', 'days'],
  cost: ['taskId', 'deliverableId', 'percent', 'amountMinor'],
  risk: ['riskId', 'to'],
  key_result: ['keyResultId', 'value'],
  budget: ['goalId', 'budgetMinor'],
  weights: ['weights'],
  contributions: ['goalId', 'contributesTo'],
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type ParsedChanges = { changes: SimulationChange[]; problems: [] } | { changes: null; problems: FieldProblem[] };

/** Reads the changes of a request; every problem of every change is named, none is applied when there is one. */
export function parseChanges(input: unknown): ParsedChanges {
  if (!Array.isArray(input)) return refused([{ field: 'changes', message: 'changes must be an array of changes' }]);
  if (input.length === 0) return refused([{ field: 'changes', message: 'changes must name at least one change' }]);
  if (input.length > MAX_SIMULATION_CHANGES)
    return refused([
      {
        field: 'changes',
        message: `changes holds ${input.length} changes; a simulation takes at most ${MAX_SIMULATION_CHANGES}`,
      },
    ]);
  const problems: FieldProblem[] = [];
  const changes = input.map((raw, index) => parseChange(raw, `changes[${index}]`, problems));
  const weights = changes.flatMap((change, index) => (change?.kind === 'weights' ? [index] : []));
  if (weights.length > 1)
    problems.push({
      field: `changes[${weights[1]}]`,
      message: `changes[${weights[1]}]: the weights are changed once per simulation (already by changes[${weights[0]}])`,
    });
  return problems.length ? refused(problems) : { changes: changes as SimulationChange[], problems: [] };
}

function refused(problems: FieldProblem[]): ParsedChanges {
  return { changes: null, problems };
}

function parseChange(raw: unknown, at: string, problems: FieldProblem[]): SimulationChange | null {
  const problem = (field: string, message: string) => {
    problems.push({ field: field ? `${at}.${field}` : at, message: `${field ? `${at}.${field}` : at} ${message}` });
    return null;
  };
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return problem('', 'must be an object');
  const change = raw as Record<string, unknown>;
  const kind = change.kind;
  if (typeof kind !== 'string' || !(SIMULATION_CHANGE_KINDS as readonly string[]).includes(kind))
    return problem('kind', `must be one of ${SIMULATION_CHANGE_KINDS.join(', ')}`);
  const before = problems.length;
  const allowed = FIELDS[kind as SimulationChange['kind']];
  for (const field of Object.keys(change))
    if (field !== 'kind' && !allowed.includes(field)) problem(field, `is not a field of a ${kind} change`);
  const id = (field: string): string | null => {
    const value = change[field];
    if (typeof value === 'string' && UUID.test(value)) return value.toLowerCase();
    return problem(field, 'must be a UUID');
  };
  const number = (field: string, min: number, max: number, whole: boolean): number | null => {
    const value = change[field];
    if (typeof value !== 'number' || !Number.isFinite(value)) return problem(field, 'must be a number');
    if (whole && !Number.isInteger(value)) return problem(field, 'must be a whole number');
    if (value < min || value > max) return problem(field, `must be between ${min} and ${max}`);
    return value;
  };
  const target = (): WorkTarget | null => {
    const hasTask = 'taskId' in change;
    if (hasTask === 'deliverableId' in change) return problem('', 'must name either a taskId or a deliverableId');
    const value = id(hasTask ? 'taskId' : 'deliverableId');
    if (value === null) return null;
    return hasTask ? { taskId: value } : { deliverableId: value };
  };
  let parsed: SimulationChange | null = null;
  switch (kind as SimulationChange['kind']) {
    case 'slip': {
      const work = target();
      const days = number('days', -MAX_SLIP_DAYS, MAX_SLIP_DAYS, true);
      if (work && days !== null) parsed = { kind: 'slip', ...work, days };
      break;
    }
    case 'cost': {
      const work = target();
      if ('percent' in change === 'amountMinor' in change)
        return problem('', 'must give either percent or amountMinor');
      if ('percent' in change) {
        const percent = number('percent', MIN_COST_PERCENT, MAX_COST_PERCENT, false);
        if (work && percent !== null) parsed = { kind: 'cost', ...work, percent };
      } else {
        const amountMinor = number('amountMinor', -MAX_MONEY_MINOR, MAX_MONEY_MINOR, true);
        if (work && amountMinor !== null) parsed = { kind: 'cost', ...work, amountMinor };
      }
      break;
    }
    case 'risk': {
      const riskId = id('riskId');
      const to = change.to;
      if (typeof to !== 'string' || !(RISK_OUTCOMES as readonly string[]).includes(to))
        problem('to', `must be one of ${RISK_OUTCOMES.join(', ')}`);
      else if (riskId) parsed = { kind: 'risk', riskId, to: to as RiskOutcome };
      break;
    }
    case 'key_result': {
      const keyResultId = id('keyResultId');
      const value = number('value', -Number.MAX_VALUE, Number.MAX_VALUE, false);
      if (keyResultId && value !== null) parsed = { kind: 'key_result', keyResultId, value };
      break;
    }
    case 'budget': {
      const goalId = id('goalId');
      const budgetMinor = number('budgetMinor', 0, MAX_MONEY_MINOR, true);
      if (goalId && budgetMinor !== null) parsed = { kind: 'budget', goalId, budgetMinor };
      break;
    }
    case 'weights': {
      const weights = change.weights;
      if (!weights || typeof weights !== 'object' || Array.isArray(weights))
        return problem('weights', 'must be an object');
      const given = weights as Record<string, unknown>;
      for (const name of Object.keys(given))
        if (!(COMPONENT_NAMES as readonly string[]).includes(name))
          problem(`weights.${name}`, `is not a component (${COMPONENT_NAMES.join(', ')})`);
      const values = COMPONENT_NAMES.map((name) => {
        const value = given[name];
        if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 100)
          return problem(`weights.${name}`, 'must be a number between 0 and 100');
        return value;
      });
      if (values.every((value) => value !== null)) {
        if (values.every((value) => value === 0))
          return problem('weights', 'must give at least one component a weight above 0');
        parsed = {
          kind: 'weights',
          weights: Object.fromEntries(COMPONENT_NAMES.map((name, index) => [name, values[index]])) as Record<
            ComponentName,
            number
          >,
        };
      }
      break;
    }
    case 'contributions': {
      const goalId = id('goalId');
      const list = change.contributesTo;
      if (!Array.isArray(list) || list.length > MAX_CONTRIBUTIONS)
        return problem('contributesTo', `must be an array of at most ${MAX_CONTRIBUTIONS} { goalId, weightPercent }`);
      const seen = new Set<string>(goalId ? [goalId] : []);
      const contributesTo = list.map((entry, index) => {
        const field = `contributesTo[${index}]`;
        const target = entry as Record<string, unknown> | null;
        const targetId =
          typeof target?.goalId === 'string' && UUID.test(target.goalId) ? target.goalId.toLowerCase() : null;
        const weightPercent = target?.weightPercent;
        if (!targetId) return problem(`${field}.goalId`, 'must be a UUID');
        if (seen.has(targetId)) return problem(`${field}.goalId`, 'names the goal itself or a goal already named');
        seen.add(targetId);
        if (
          typeof weightPercent !== 'number' ||
          !Number.isInteger(weightPercent) ||
          weightPercent < 1 ||
          weightPercent > 100
        )
          return problem(`${field}.weightPercent`, 'must be a whole number between 1 and 100');
        return { goalId: targetId, weightPercent };
      });
      if (contributesTo.some((entry) => entry === null)) break;
      const total = contributesTo.reduce((sum, entry) => sum + entry!.weightPercent, 0);
      if (list.length > 0 && total !== 100)
        return problem('contributesTo', `weights must sum to 100 (they sum to ${total})`);
      if (goalId)
        parsed = {
          kind: 'contributions',
          goalId,
          contributesTo: contributesTo as Array<{ goalId: string; weightPercent: number }>,
        };
      break;
    }
  }
  return problems.length > before ? null : parsed;
}

/**
 * A task's actual cost after a cost change, in minor units: X % more than booked (rounded half away
 * from zero to the minor unit), or a fixed amount more. Null when it would be negative.
 */
export function costAfter(
  actualCostMinor: number,
  change: { percent: number } | { amountMinor: number },
): number | null {
  const next =
    'percent' in change
      ? actualCostMinor + Math.sign(change.percent) * Math.round((actualCostMinor * Math.abs(change.percent)) / 100)
      : actualCostMinor + change.amountMinor;
  return next < 0 ? null : next;
}

/**
 * A fixed amount for a deliverable, shared among its tasks in proportion to their planned cost
 * (equally when none has one); the minor units left by rounding down go one each to the tasks
 * with the largest remainders, the first task id first, so the shares always add up to the amount.
 */
export function shareAmount(amountMinor: number, tasks: Array<{ taskId: string; plannedCostMinor: number }>): number[] {
  if (tasks.length === 0) return [];
  // In BigInt: amount × planned cost can exceed the integers a double holds exactly.
  const planned = tasks.reduce((sum, task) => sum + BigInt(task.plannedCostMinor), 0n);
  const weights = tasks.map((task) => (planned > 0n ? BigInt(task.plannedCostMinor) : 1n));
  const total = planned > 0n ? planned : BigInt(tasks.length);
  const magnitude = BigInt(Math.abs(amountMinor));
  const shares = weights.map((weight) => (magnitude * weight) / total);
  const order = weights
    .map((weight, index) => ({ index, remainder: (magnitude * weight) % total, taskId: tasks[index].taskId }))
    .sort((a, b) =>
      a.remainder === b.remainder ? a.taskId.localeCompare(b.taskId) : a.remainder > b.remainder ? -1 : 1,
    );
  let left = magnitude - shares.reduce((sum, share) => sum + share, 0n);
  for (const { index } of order) {
    if (left === 0n) break;
    shares[index] += 1n;
    left -= 1n;
  }
  return shares.map((share) => Math.sign(amountMinor) * Number(share));
}
