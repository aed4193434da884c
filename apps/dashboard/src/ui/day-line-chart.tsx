import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceArea,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { LineChartProps } from './charts';
import { formatDate } from './format';

/** The recharts drawing behind DayLineChart (see charts.tsx), in a chunk of its own. */
export default function RechartsDayLineChart({
  data,
  series,
  description,
  formatValue,
  domain,
  bands,
}: LineChartProps) {
  const formatDay = (day: number) => formatDate(new Date(day).toISOString());
  return (
    <figure className="chart" aria-label={description} role="img">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 12, bottom: 4, left: 4 }}>
          <CartesianGrid stroke="#e6e9ee" />
          {bands && domain && (
            <>
              <ReferenceArea y1={bands.onTrack} y2={domain[1]} fill="#1b6e3a" fillOpacity={0.06} />
              <ReferenceArea y1={bands.atRisk} y2={bands.onTrack} fill="#8a5a00" fillOpacity={0.06} />
              <ReferenceArea y1={domain[0]} y2={bands.atRisk} fill="#b3261e" fillOpacity={0.06} />
            </>
          )}
          <XAxis
            dataKey="day"
            type="number"
            scale="time"
            domain={['dataMin', 'dataMax']}
            tickFormatter={formatDay}
            fontSize={12}
            minTickGap={24}
          />
          <YAxis domain={domain ?? ['auto', 'auto']} tickFormatter={formatValue} fontSize={12} width={72} />
          <Tooltip
            labelFormatter={(day) => formatDay(Number(day))}
            formatter={(value) => (formatValue && typeof value === 'number' ? formatValue(value) : String(value))}
          />
          <Legend />
          {series.map((line) => (
            <Line
              key={line.key}
              dataKey={line.key}
              name={line.label}
              stroke={line.colour}
              strokeWidth={2}
              strokeDasharray={line.dashed ? '6 4' : undefined}
              dot={false}
              connectNulls
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
