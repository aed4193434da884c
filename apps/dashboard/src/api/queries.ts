import { queryOptions } from '@tanstack/react-query';
import { execution, metrics, strategy } from '@throughline/api-client';
import { executionApi, metricsApi, strategyApi, unwrap } from './clients';

/**
 * The queries several pages share, keyed by the service that answers them first (the live stream
 * refreshes by service, see live-invalidation.ts), then the resource and its parameters.
 */
/** The largest page the services serve. */
export const ALL = { limit: 200 };

export const organisationScoreQuery = () =>
  queryOptions({
    queryKey: ['metrics', 'scores', 'organisation'],
    queryFn: () => unwrap(metrics.scoresOrganisation({ client: metricsApi })),
  });

export const scoreQuery = (scopes: 'goals' | 'managers' | 'org-units', id: string) =>
  queryOptions({
    queryKey: ['metrics', 'scores', scopes, id],
    queryFn: () => unwrap(metrics.scoresOne({ client: metricsApi, path: { scopes, id } })),
  });

/** A scope of the scores API: the organisation, or one goal, manager or org unit. */
export type ScoreScope = 'organisation' | { scopes: 'goals' | 'managers' | 'org-units'; id: string };

const scoreScopeKey = (scope: ScoreScope) => (scope === 'organisation' ? ['organisation'] : [scope.scopes, scope.id]);

/** When a score was first recorded (its oldest history point), or null when it has none yet. */
export const firstScoreQuery = (scope: ScoreScope) =>
  queryOptions({
    queryKey: ['metrics', 'scores', ...scoreScopeKey(scope), 'first'],
    queryFn: async () => {
      const query = { limit: 1 };
      const page = await unwrap(
        scope === 'organisation'
          ? metrics.scoresOrganisationHistory({ client: metricsApi, query })
          : metrics.scoresHistory({ client: metricsApi, path: scope, query }),
      );
      return page.items[0]?.at ?? null;
    },
  });

/** A score now against the score at an earlier time: what moved, by how much, why. */
export const scoreComparisonQuery = (scope: ScoreScope, from: string) =>
  queryOptions({
    queryKey: ['metrics', 'scores', ...scoreScopeKey(scope), 'compare', from],
    queryFn: () =>
      unwrap(
        scope === 'organisation'
          ? metrics.scoresOrganisationCompare({ client: metricsApi, query: { from } })
          : metrics.scoresCompare({ client: metricsApi, path: scope, query: { from } }),
      ),
  });

export const forecastQuery = (scopes: 'goals' | 'managers' | 'org-units', id: string) =>
  queryOptions({
    queryKey: ['metrics', 'forecasts', scopes, id],
    queryFn: () => unwrap(metrics.scoresForecast({ client: metricsApi, path: { scopes, id } })),
  });

export const scoresQuery = (scopes: 'goals' | 'managers' | 'org-units') =>
  queryOptions({
    queryKey: ['metrics', 'scores', scopes],
    queryFn: async () => (await unwrap(metrics.scoresList({ client: metricsApi, path: { scopes }, query: ALL }))).items,
  });

export const peopleQuery = () =>
  queryOptions({
    queryKey: ['strategy', 'people'],
    queryFn: async () => (await unwrap(strategy.peopleList({ client: strategyApi, query: ALL }))).items,
  });

export const orgUnitsQuery = () =>
  queryOptions({
    queryKey: ['strategy', 'org-units'],
    queryFn: async () => (await unwrap(strategy.orgUnitsList({ client: strategyApi, query: ALL }))).items,
  });

export const goalsQuery = () =>
  queryOptions({
    queryKey: ['strategy', 'goals'],
    queryFn: async () => (await unwrap(strategy.goalsList({ client: strategyApi, query: ALL }))).items,
  });

export const goalQuery = (goalId: string) =>
  queryOptions({
    queryKey: ['strategy', 'goals', goalId],
    queryFn: () => unwrap(strategy.goalsGet({ client: strategyApi, path: { goalId } })),
  });

export const contributionsQuery = (goalId: string) =>
  queryOptions({
    queryKey: ['strategy', 'goals', goalId, 'contributions'],
    queryFn: () => unwrap(strategy.contributionsGet({ client: strategyApi, path: { goalId } })),
  });

export const tasksQuery = (filters: execution.TasksListData['query'] = {}) =>
  queryOptions({
    queryKey: ['execution', 'tasks', filters],
    queryFn: async () =>
      (await unwrap(execution.tasksList({ client: executionApi, query: { ...ALL, ...filters } }))).items,
  });

export const taskQuery = (taskId: string) =>
  queryOptions({
    queryKey: ['execution', 'tasks', 'one', taskId],
    queryFn: () => unwrap(execution.tasksGet({ client: executionApi, path: { taskId } })),
  });
