import { useQuery } from '@tanstack/react-query';
import { metrics } from '@throughline/api-client';
import { metricsApi, unwrap } from '../api/clients';
import { formatCount, formatMoney, formatRatio } from '../ui/format';
import { ErrorState, Figure, Loading } from '../ui/primitives';

/** A manager's KPIs for the last 30 days: productivity, efficiency, cost against budget, quality. */
export function ManagerKpis({ managerId, currency }: { managerId: string; currency: string }) {
  const kpis = useQuery({
    queryKey: ['metrics', 'kpis', 'managers', managerId],
    queryFn: () => unwrap(metrics.kpisManager({ client: metricsApi, path: { managerId } })),
  });
  if (kpis.isPending) return <Loading what="the KPIs" />;
  if (kpis.isError) return <ErrorState error={kpis.error} what="the KPIs" />;
  const data = kpis.data;
  return (
    <dl className="figures">
      <Figure label="Tasks completed" value={data.throughput} />
      <Figure label="On time" value={formatRatio(data.onTimeRate)} />
      <Figure label="Cost per completed task" value={formatMoney(data.costPerCompletedTaskMinor, currency)} />
      <Figure
        label="Spend against budget"
        value={formatRatio(data.spendAgainstBudget)}
        note={`${formatMoney(data.spentMinor, currency)} of ${formatMoney(data.budgetMinor, currency)}`}
      />
      <Figure
        label="Defect rate"
        value={formatRatio(data.defectRate)}
        note={formatCount(data.defects, 'defect', 'defects')}
      />
      <Figure
        label="Rework rate"
        value={formatRatio(data.reworkRate)}
        note={formatCount(data.reworks, 'rework', 'reworks')}
      />
    </dl>
  );
}
