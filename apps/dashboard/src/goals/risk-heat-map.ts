/** Risks placed on a likelihood × impact grid (both 1–5), rows from most to least likely. */
export interface PlacedRisk {
  id: string;
  title: string;
  likelihood: number;
  impact: number;
  status: string;
}

export type Heat = 'low' | 'medium' | 'high';

export interface HeatCell {
  likelihood: number;
  impact: number;
  heat: Heat;
  risks: PlacedRisk[];
}

/** High from the organisation's high-risk exposure (likelihood × impact), medium from half of it. */
export function heatOf(exposure: number, highRiskExposure: number): Heat {
  if (exposure >= highRiskExposure) return 'high';
  if (exposure >= highRiskExposure / 2) return 'medium';
  return 'low';
}

export function heatMap<T extends PlacedRisk>(
  risks: T[],
  highRiskExposure: number,
): Array<Array<HeatCell & { risks: T[] }>> {
  const live = risks.filter((risk) => risk.status !== 'closed');
  return [5, 4, 3, 2, 1].map((likelihood) =>
    [1, 2, 3, 4, 5].map((impact) => ({
      likelihood,
      impact,
      heat: heatOf(likelihood * impact, highRiskExposure),
      risks: live.filter((risk) => risk.likelihood === likelihood && risk.impact === impact),
    })),
  );
}
