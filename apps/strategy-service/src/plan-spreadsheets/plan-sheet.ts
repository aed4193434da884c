/**
 * The plan spreadsheet: one row per goal, key result, deliverable or budget allocation,
 * tied together by goal_ref (any label unique in the file). This file reads rows into
 * typed entries and reports what is wrong with each in words; it knows nothing of the
 * database (people and units are looked up by email and name afterwards).
 */
export const PLAN_COLUMNS = [
  'kind',
  'goal_ref',
  'parent_goal_ref',
  'title',
  'description',
  'status',
  'owner_email',
  'org_unit',
  'period_start',
  'period_end',
  'weight',
  'currency',
  'amount',
  'category',
  'unit',
  'baseline',
  'target',
  'direction',
  'manager_email',
  'due_date',
] as const;
export type PlanColumn = (typeof PLAN_COLUMNS)[number];

export const PLAN_ROW_KINDS = ['goal', 'key_result', 'deliverable', 'budget_allocation'] as const;
export type PlanRowKind = (typeof PLAN_ROW_KINDS)[number];

/** Which columns each kind of row uses: required ones, then optional ones. Any other filled cell is a mistake. */
export const COLUMNS_BY_KIND: Record<PlanRowKind, { required: PlanColumn[]; optional: PlanColumn[] }> = {
  goal: {
    required: ['goal_ref', 'title', 'owner_email', 'org_unit', 'period_start', 'period_end', 'currency', 'amount'],
    optional: ['parent_goal_ref', 'description', 'status', 'weight'],
  },
  key_result: {
    required: ['goal_ref', 'title', 'category', 'unit', 'baseline', 'target', 'direction'],
    optional: ['weight'],
  },
  deliverable: { required: ['goal_ref', 'title', 'manager_email', 'due_date', 'amount'], optional: ['weight'] },
  budget_allocation: { required: ['goal_ref', 'amount'], optional: ['manager_email', 'org_unit'] },
};

export const IMPORTABLE_GOAL_STATUSES = ['draft', 'active'] as const;

export interface RowProblem {
  row: number;
  column: string | null;
  message: string;
}

interface Located {
  row: number;
}
export interface GoalEntry extends Located {
  kind: 'goal';
  ref: string;
  parentRef: string | null;
  title: string;
  description: string;
  status: (typeof IMPORTABLE_GOAL_STATUSES)[number];
  ownerEmail: string;
  orgUnitName: string;
  periodStart: string;
  periodEnd: string;
  weight?: number;
  currency: string;
  amountMinor: number;
}
export interface KeyResultEntry extends Located {
  kind: 'key_result';
  goalRef: string;
  name: string;
  category: string;
  unit: string;
  baseline: number;
  target: number;
  direction: string;
  weight?: number;
}
export interface DeliverableEntry extends Located {
  kind: 'deliverable';
  goalRef: string;
  title: string;
  managerEmail: string;
  dueDate: string;
  weight?: number;
  /** In the goal's currency: converted once the goal's row is known. */
  amount: number;
}
export interface AllocationEntry extends Located {
  kind: 'budget_allocation';
  goalRef: string;
  managerEmail: string | null;
  orgUnitName: string | null;
  amount: number;
}
export type PlanEntry = GoalEntry | KeyResultEntry | DeliverableEntry | AllocationEntry;

export interface ParsedPlan {
  /** Goals parents first, so each sub-goal's parent exists when it is created. */
  goals: GoalEntry[];
  keyResults: KeyResultEntry[];
  deliverables: DeliverableEntry[];
  allocations: AllocationEntry[];
  problems: RowProblem[];
}

export interface PlanSheetRow {
  line: number;
  values: Record<string, string>;
  problems: Array<{ column: string; message: string }>;
}

/** Reads sheet rows into plan entries; every problem found is reported, not just the first. */
export function parsePlanRows(rows: readonly PlanSheetRow[]): ParsedPlan {
  const problems: RowProblem[] = [];
  const goals: GoalEntry[] = [];
  const keyResults: KeyResultEntry[] = [];
  const deliverables: DeliverableEntry[] = [];
  const allocations: AllocationEntry[] = [];
  for (const sheetRow of rows) {
    const row = sheetRow.line;
    const rowProblems: RowProblem[] = sheetRow.problems.map((problem) => ({ row, ...problem }));
    const cell = (column: PlanColumn) => sheetRow.values[column] ?? '';
    const kind = cell('kind').toLowerCase().replace(/[\s-]/g, '_') as PlanRowKind;
    if (!PLAN_ROW_KINDS.includes(kind)) {
      rowProblems.push({
        row,
        column: 'kind',
        message: cell('kind')
          ? `"${cell('kind')}" is not a kind of row: use ${PLAN_ROW_KINDS.join(', ')}`
          : `is empty: say what the row is (${PLAN_ROW_KINDS.join(', ')})`,
      });
      problems.push(...rowProblems);
      continue;
    }
    const { required, optional } = COLUMNS_BY_KIND[kind];
    const unreadable = new Set(sheetRow.problems.map((problem) => problem.column));
    for (const column of required)
      if (!cell(column) && !unreadable.has(column))
        rowProblems.push({ row, column, message: `is required on a ${kind} row` });
    for (const column of PLAN_COLUMNS) {
      if (column === 'kind' || required.includes(column) || optional.includes(column) || !cell(column)) continue;
      rowProblems.push({ row, column, message: `is not used on a ${kind} row: leave it empty` });
    }
    const number = (column: PlanColumn): number | undefined => {
      const text = cell(column);
      if (!text) return undefined;
      const value = parseNumber(text);
      if (value === null) rowProblems.push({ row, column, message: `"${text}" is not a number` });
      return value ?? undefined;
    };
    const day = (column: PlanColumn): string => {
      const text = cell(column);
      if (text && !isIsoDay(text))
        rowProblems.push({ row, column, message: `"${text}" is not a date: write it as YYYY-MM-DD` });
      return text;
    };
    switch (kind) {
      case 'goal': {
        const status = (cell('status') || 'draft').toLowerCase();
        if (!(IMPORTABLE_GOAL_STATUSES as readonly string[]).includes(status))
          rowProblems.push({
            row,
            column: 'status',
            message: `"${cell('status')}" cannot be imported: use draft or active`,
          });
        const currency = cell('currency').toUpperCase();
        const amount = number('amount');
        const amountMinor = toMinor(amount, currency, 'amount', row, rowProblems);
        const entry: GoalEntry = {
          kind,
          row,
          ref: cell('goal_ref'),
          parentRef: cell('parent_goal_ref') || null,
          title: cell('title'),
          description: cell('description'),
          status: status as GoalEntry['status'],
          ownerEmail: cell('owner_email').toLowerCase(),
          orgUnitName: cell('org_unit'),
          periodStart: day('period_start'),
          periodEnd: day('period_end'),
          weight: number('weight'),
          currency,
          amountMinor: amountMinor ?? 0,
        };
        if (!rowProblems.length) goals.push(entry);
        break;
      }
      case 'key_result': {
        const entry: KeyResultEntry = {
          kind,
          row,
          goalRef: cell('goal_ref'),
          name: cell('title'),
          category: cell('category').toLowerCase(),
          unit: cell('unit'),
          baseline: number('baseline') ?? 0,
          target: number('target') ?? 0,
          direction: cell('direction').toLowerCase(),
          weight: number('weight'),
        };
        if (!rowProblems.length) keyResults.push(entry);
        break;
      }
      case 'deliverable': {
        const entry: DeliverableEntry = {
          kind,
          row,
          goalRef: cell('goal_ref'),
          title: cell('title'),
          managerEmail: cell('manager_email').toLowerCase(),
          dueDate: day('due_date'),
          weight: number('weight'),
          amount: number('amount') ?? 0,
        };
        if (!rowProblems.length) deliverables.push(entry);
        break;
      }
      case 'budget_allocation': {
        if (!cell('manager_email') === !cell('org_unit'))
          rowProblems.push({
            row,
            column: 'manager_email',
            message: 'a budget allocation goes to exactly one manager (manager_email) or one org unit (org_unit)',
          });
        const entry: AllocationEntry = {
          kind,
          row,
          goalRef: cell('goal_ref'),
          managerEmail: cell('manager_email').toLowerCase() || null,
          orgUnitName: cell('org_unit') || null,
          amount: number('amount') ?? 0,
        };
        if (!rowProblems.length) allocations.push(entry);
        break;
      }
    }
    problems.push(...rowProblems);
  }
  const ordered = orderGoals(goals, problems);
  const known = new Set(ordered.map((goal) => goal.ref));
  const rowsOf = new Map(goals.map((goal) => [goal.ref, goal.row]));
  const attached = <T extends { goalRef: string; row: number }>(entries: T[]) =>
    entries.filter((entry) => {
      if (known.has(entry.goalRef)) return true;
      problems.push({
        row: entry.row,
        column: 'goal_ref',
        message: rowsOf.has(entry.goalRef)
          ? `goal "${entry.goalRef}" (row ${rowsOf.get(entry.goalRef)}) has errors: fix that row first`
          : `no goal row has goal_ref "${entry.goalRef}"`,
      });
      return false;
    });
  return {
    goals: ordered,
    keyResults: attached(keyResults),
    deliverables: attached(deliverables),
    allocations: attached(allocations),
    problems: problems.sort((a, b) => a.row - b.row),
  };
}

/** Parents before children; refuses repeated refs, unknown parents and cycles, row by row. */
function orderGoals(goals: GoalEntry[], problems: RowProblem[]): GoalEntry[] {
  const byRef = new Map<string, GoalEntry>();
  for (const goal of goals) {
    const first = byRef.get(goal.ref);
    if (first)
      problems.push({
        row: goal.row,
        column: 'goal_ref',
        message: `"${goal.ref}" is already used on row ${first.row}`,
      });
    else byRef.set(goal.ref, goal);
  }
  const ordered: GoalEntry[] = [];
  const state = new Map<string, 'visiting' | 'done' | 'failed'>();
  const visit = (goal: GoalEntry): boolean => {
    const seen = state.get(goal.ref);
    if (seen) return seen === 'done';
    state.set(goal.ref, 'visiting');
    let ok = true;
    if (goal.parentRef) {
      const parent = byRef.get(goal.parentRef);
      if (!parent) {
        problems.push({
          row: goal.row,
          column: 'parent_goal_ref',
          message: `no goal row has goal_ref "${goal.parentRef}"`,
        });
        ok = false;
      } else if (state.get(parent.ref) === 'visiting') {
        problems.push({
          row: goal.row,
          column: 'parent_goal_ref',
          message: `"${goal.parentRef}" leads back to this goal: parents cannot form a loop`,
        });
        ok = false;
      } else if (!visit(parent)) {
        problems.push({
          row: goal.row,
          column: 'parent_goal_ref',
          message: `the parent goal (row ${parent.row}) has errors: fix that row first`,
        });
        ok = false;
      }
    }
    state.set(goal.ref, ok ? 'done' : 'failed');
    if (ok) ordered.push(goal);
    return ok;
  };
  for (const goal of byRef.values()) visit(goal);
  return ordered;
}

/** Amounts are written in the currency's main unit (120000.50 EUR); the API counts minor units (cents). */
export function toMinor(
  amount: number | undefined,
  currency: string,
  column: string,
  row: number,
  problems: RowProblem[],
): number | null {
  if (amount === undefined) return null;
  const digits = fractionDigits(currency);
  if (digits === null) {
    problems.push({ row, column: 'currency', message: `"${currency}" is not an ISO 4217 currency code such as EUR` });
    return null;
  }
  const minor = Math.round(amount * 10 ** digits);
  if (minor < 0 || !Number.isSafeInteger(minor)) {
    problems.push({ row, column, message: `${amount} is not an amount from 0 up: write it in ${currency}` });
    return null;
  }
  if (Math.abs(minor - amount * 10 ** digits) > 1e-6 * Math.max(1, Math.abs(minor)))
    problems.push({ row, column, message: `${amount} has more than ${digits} decimal(s) for ${currency}` });
  return minor;
}

export function fromMinor(minor: number, currency: string): number {
  return minor / 10 ** (fractionDigits(currency) ?? 2);
}

export function fractionDigits(currency: string): number | null {
  if (!/^[A-Z]{3}$/.test(currency)) return null;
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return null;
  }
}

/** Numbers as people type them: 1200, 1200.5, 1,200.50 (thousands commas), but never "12abc". */
function parseNumber(text: string): number | null {
  const cleaned = /^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(text) ? text.replace(/,/g, '') : text;
  if (!/^-?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(cleaned)) return null;
  const value = Number(cleaned);
  return Number.isFinite(value) ? value : null;
}

function isIsoDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}
