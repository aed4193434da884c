/**
 * The alignment tree: org units (nested) → their goals → sub-goals → the goals' tasks, each goal and
 * unit with its score and band. Built from flat lists the APIs give.
 */
export type Band = 'on_track' | 'at_risk' | 'off_track';

export interface TreeNode {
  kind: 'unit' | 'goal' | 'task';
  id: string;
  name: string;
  score?: number;
  band?: Band;
  status?: string;
  overdue?: boolean;
  children: TreeNode[];
}

export interface TreeInput {
  units: Array<{ id: string; name: string; parentOrgUnitId: unknown }>;
  goals: Array<{ id: string; title: string; orgUnitId: string; parentGoalId: unknown; status: string }>;
  tasks: Array<{ id: string; title: string; goalId: unknown; status: string; dueDate: unknown }>;
  scores: Array<{ scopeId: string; score: number; band: Band }>;
  today: string;
}

export function alignmentTree({ units, goals, tasks, scores, today }: TreeInput): TreeNode[] {
  const scoreOf = new Map(scores.map((score) => [score.scopeId, score]));
  const scored = (id: string) => ({ score: scoreOf.get(id)?.score, band: scoreOf.get(id)?.band });
  const goalIds = new Set(goals.map((goal) => goal.id));
  const unitIds = new Set(units.map((unit) => unit.id));
  const taskNode = (task: TreeInput['tasks'][number]): TreeNode => ({
    kind: 'task',
    id: task.id,
    name: task.title,
    status: task.status,
    overdue:
      typeof task.dueDate === 'string' &&
      task.dueDate < today &&
      ['todo', 'in_progress', 'blocked'].includes(task.status),
    children: [],
  });
  const goalNode = (goal: TreeInput['goals'][number]): TreeNode => ({
    kind: 'goal',
    id: goal.id,
    name: goal.title,
    status: goal.status,
    ...scored(goal.id),
    children: [
      ...goals.filter((child) => child.parentGoalId === goal.id).map(goalNode),
      ...tasks.filter((task) => task.goalId === goal.id).map(taskNode),
    ],
  });
  const unitNode = (unit: TreeInput['units'][number]): TreeNode => ({
    kind: 'unit',
    id: unit.id,
    name: unit.name,
    ...scored(unit.id),
    children: [
      ...units.filter((child) => child.parentOrgUnitId === unit.id).map(unitNode),
      // A unit's own goals are those without a parent goal (a sub-goal sits under its parent, wherever its unit).
      ...goals.filter((goal) => goal.orgUnitId === unit.id && !isKnown(goal.parentGoalId, goalIds)).map(goalNode),
    ],
  });
  return units.filter((unit) => !isKnown(unit.parentOrgUnitId, unitIds)).map(unitNode);
}

function isKnown(id: unknown, ids: Set<string>): boolean {
  return typeof id === 'string' && ids.has(id);
}

/** Lowest band first within each level, so what needs attention is on top. */
export function sortByAttention(nodes: TreeNode[]): TreeNode[] {
  const rank = (node: TreeNode) => (node.kind === 'task' ? 3 : node.score === undefined ? 2 : node.score / 100);
  return [...nodes]
    .sort((a, b) => rank(a) - rank(b))
    .map((node) => ({ ...node, children: sortByAttention(node.children) }));
}
