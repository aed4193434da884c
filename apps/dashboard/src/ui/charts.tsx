import { lazy, Suspense } from 'react';

/**
 * The one line chart of the app (recharts, wrapped once): days on the x axis, any number of series.
 * Each chart also carries a text description for screen readers, given by the caller.
 * recharts is half of the app's JavaScript, so it loads with the first chart on screen: a page's
 * figures never wait for it (the overview's score is painted before its trend).
 */
export interface Series {
  key: string;
  label: string;
  colour: string;
  dashed?: boolean;
}

export interface LineChartProps {
  data: ReadonlyArray<{ day: number }>;
  series: Series[];
  description: string;
  formatValue?: (value: number) => string;
  domain?: [number, number];
  bands?: { onTrack: number; atRisk: number };
}

const Drawing = lazy(() => import('./day-line-chart'));

export function DayLineChart(props: LineChartProps) {
  return (
    <Suspense fallback={<figure className="chart" aria-label={props.description} role="img" />}>
      <Drawing {...props} />
    </Suspense>
  );
}
