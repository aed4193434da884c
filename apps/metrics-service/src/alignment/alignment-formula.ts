/**
 * The alignment formula, free of framework and storage so it can be read and tested alone.
 * This first version scores delivery only: the weighted progress of a goal's live tasks.
 */
export type ScoreBand = 'on_track' | 'at_risk' | 'off_track';

export interface TaskFacts {
  taskId: string;
  status: 'todo' | 'in_progress' | 'blocked' | 'done' | 'cancelled';
  progress: number;
  weight: number;
}

export interface ScoreComponent {
  name: string;
  value: number;
  weight: number;
  contribution: number;
}

export interface Score {
  score: number;
  band: ScoreBand;
  components: ScoreComponent[];
  /** The tasks that moved the score most, largest effect first. */
  drivers: Array<{ kind: 'task'; id: string; effect: number }>;
}

export interface BandThresholds {
  onTrack: number;
  atRisk: number;
}

export const DEFAULT_BANDS: BandThresholds = { onTrack: 70, atRisk: 40 };

export function band(score: number, thresholds: BandThresholds = DEFAULT_BANDS): ScoreBand {
  if (score >= thresholds.onTrack) return 'on_track';
  if (score >= thresholds.atRisk) return 'at_risk';
  return 'off_track';
}

/** Rounded to 0.1 so the same facts always give the same, comparable score. */
function round(value: number): number {
  return Math.round(value * 10) / 10;
}

export function scoreGoal(tasks: readonly TaskFacts[], thresholds: BandThresholds = DEFAULT_BANDS): Score {
  const live = tasks.filter((task) => task.status !== 'cancelled');
  const totalWeight = live.reduce((sum, task) => sum + task.weight, 0);
  const delivery = totalWeight === 0 ? 0 : live.reduce((sum, task) => sum + task.weight * task.progress, 0) / totalWeight;
  const score = round(delivery);
  const drivers = live
    .map((task) => ({ kind: 'task' as const, id: task.taskId, effect: round((task.weight * task.progress) / Math.max(totalWeight, 1)) }))
    .sort((a, b) => b.effect - a.effect || a.id.localeCompare(b.id))
    .slice(0, 5);
  return { score, band: band(score, thresholds), components: [{ name: 'delivery', value: score, weight: 1, contribution: score }], drivers };
}
