import { ComponentName, round1, ScoreBand, ScoreComponent, ScoreDriver } from './alignment-formula';

/** A score as it stood at one time, as the comparison reads it. */
export interface ScoreAt {
  score: number;
  band: ScoreBand;
  components: ScoreComponent[];
  drivers: ScoreDriver[];
}

export interface ComponentChange {
  name: ComponentName;
  valueFrom: number | null;
  valueTo: number | null;
  /** Points the component added to the score then and now, and the difference. */
  contributionFrom: number;
  contributionTo: number;
  contributionChange: number;
  weightFrom: number;
  weightTo: number;
  detailFrom: string;
  detailTo: string;
}

export interface DriverChange {
  kind: ScoreDriver['kind'];
  id: string;
  name: string;
  component: ComponentName;
  /** Points the item cost the score then and now; 0 when it was not among the score's drivers. */
  effectFrom: number;
  effectTo: number;
}

export interface ScoreComparison {
  scoreChange: number;
  bandFrom: ScoreBand;
  bandTo: ScoreBand;
  /** Every component, the largest move in points first. */
  components: ComponentChange[];
  /** The drivers of either time whose effect differs, the largest move first. */
  drivers: DriverChange[];
  /** The change in one sentence: by how much, and which component moved it most and why. */
  summary: string;
}

const BAND_WORDS: Record<ScoreBand, string> = { on_track: 'on track', at_risk: 'at risk', off_track: 'off track' };
const signed = (points: number) => `${points > 0 ? '+' : points < 0 ? '−' : '±'}${Math.abs(points)}`;

/** What moved between two scores of one scope, by how much, and why (the components' own words). */
export function compareScores(from: ScoreAt, to: ScoreAt): ScoreComparison {
  const components = to.components
    .map((now): ComponentChange => {
      const then = from.components.find((component) => component.name === now.name);
      return {
        name: now.name,
        valueFrom: then?.value ?? null,
        valueTo: now.value,
        contributionFrom: then?.contribution ?? 0,
        contributionTo: now.contribution,
        contributionChange: round1(now.contribution - (then?.contribution ?? 0)),
        weightFrom: then?.weight ?? 0,
        weightTo: now.weight,
        detailFrom: then?.detail ?? '',
        detailTo: now.detail,
      };
    })
    .sort((a, b) => Math.abs(b.contributionChange) - Math.abs(a.contributionChange) || a.name.localeCompare(b.name));

  const key = (driver: ScoreDriver) => `${driver.kind}:${driver.id}:${driver.component}`;
  const byKey = new Map<string, DriverChange>();
  for (const driver of from.drivers)
    byKey.set(key(driver), { ...pick(driver), effectFrom: driver.effect, effectTo: 0 });
  for (const driver of to.drivers) {
    const then = byKey.get(key(driver));
    byKey.set(key(driver), { ...pick(driver), effectFrom: then?.effectFrom ?? 0, effectTo: driver.effect });
  }
  const drivers = [...byKey.values()]
    .filter((driver) => driver.effectFrom !== driver.effectTo)
    .sort(
      (a, b) => Math.abs(b.effectTo - b.effectFrom) - Math.abs(a.effectTo - a.effectFrom) || a.id.localeCompare(b.id),
    );

  const scoreChange = round1(to.score - from.score);
  return {
    scoreChange,
    bandFrom: from.band,
    bandTo: to.band,
    components,
    drivers,
    summary: summarise(from, to, scoreChange, components),
  };
}

function pick(driver: ScoreDriver) {
  return { kind: driver.kind, id: driver.id, name: driver.name, component: driver.component };
}

function summarise(from: ScoreAt, to: ScoreAt, change: number, components: ComponentChange[]): string {
  const band =
    from.band === to.band ? `still ${BAND_WORDS[to.band]}` : `${BAND_WORDS[from.band]} → ${BAND_WORDS[to.band]}`;
  const head =
    change === 0
      ? `Unchanged at ${to.score} (${band})`
      : `${change > 0 ? 'Rose' : 'Fell'} ${Math.abs(change)} points, ${from.score} → ${to.score} (${band})`;
  // A component that starts or stops applying moves the others' shares too: say so before naming the largest move.
  const started = components.filter((entry) => entry.valueFrom === null && entry.valueTo !== null);
  const stopped = components.filter((entry) => entry.valueFrom !== null && entry.valueTo === null);
  const shares = [
    started.length > 0 ? `${listed(started)} now ${started.length === 1 ? 'counts' : 'count'}` : '',
    stopped.length > 0 ? `${listed(stopped)} no longer ${stopped.length === 1 ? 'applies' : 'apply'}` : '',
  ].filter(Boolean);
  const most = components[0];
  const reason =
    !most || most.contributionChange === 0
      ? ''
      : `most from ${most.name} (${signed(most.contributionChange)} points): ${most.detailFrom || 'not applicable'} → ${most.detailTo || 'not applicable'}`;
  return `${[head, ...shares, reason].filter(Boolean).join('; ')}.`;
}

function listed(entries: ComponentChange[]): string {
  const names = entries.map((entry) => entry.name);
  return names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
