import { queryOptions } from '@tanstack/react-query';
import { metrics } from '@throughline/api-client';
import { metricsApi, unwrap } from '../api/clients';
import { ALL } from '../api/queries';
import { chartDays } from './daily-closes';
import type { DayRange } from './range';

type Scope = 'organisation' | { scopes: 'goals' | 'managers' | 'org-units'; id: string };

/**
 * A score's daily closes over a range, oldest first for charts: the API's `interval=day` series,
 * newest day first, every page of it (a year is two pages), so the chart always reaches today.
 */
export const dailyScoreHistoryQuery = (scope: Scope, range: DayRange) =>
  queryOptions({
    queryKey: [
      'metrics',
      'scores',
      ...(scope === 'organisation' ? ['organisation'] : [scope.scopes, scope.id]),
      'history',
      'daily',
      range,
    ],
    queryFn: async () => {
      const query = { from: `${range.from}T00:00:00Z`, to: `${range.to}T00:00:00Z`, interval: 'day' as const, ...ALL };
      const pageFrom = (offset: number) =>
        unwrap(
          scope === 'organisation'
            ? metrics.scoresOrganisationHistory({ client: metricsApi, query: { ...query, offset } })
            : metrics.scoresHistory({ client: metricsApi, path: scope, query: { ...query, offset } }),
        );
      const first = await pageFrom(0);
      const closes = [...first.items];
      while (closes.length < first.page.total) {
        const next = await pageFrom(closes.length);
        if (next.items.length === 0) break;
        closes.push(...next.items);
      }
      return chartDays(closes);
    },
  });
