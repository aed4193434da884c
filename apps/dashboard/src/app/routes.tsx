import type { RouteObject } from 'react-router';
import { Loading, NotFound } from '../ui/primitives';
import { Layout, RequireRole, RoleHome, SignedOut } from './layout';

/** Each page is its own chunk, loaded when first visited: the first route stays small. */
const page = (load: () => Promise<{ default: React.ComponentType }>) => async () => ({
  Component: (await load()).default,
});

export const routes: RouteObject[] = [
  { path: '/signed-out', Component: SignedOut },
  {
    Component: Layout,
    // Shown while the first page's chunk loads.
    HydrateFallback: () => <Loading what="the page" />,
    children: [
      { index: true, Component: RoleHome },
      {
        element: <RequireRole roles={['director', 'admin']} />,
        children: [
          { path: 'overview', lazy: page(() => import('../organisation/overview-page')) },
          { path: 'alignment', lazy: page(() => import('../alignment/alignment-tree-page')) },
          { path: 'goals/new', lazy: page(() => import('../goals/goal-create-page')) },
          { path: 'goals/:goalId', lazy: page(() => import('../goals/goal-page')) },
          { path: 'tasks/:taskId', lazy: page(() => import('../tasks/task-page')) },
          { path: 'managers', lazy: page(() => import('../managers/managers-page')) },
          { path: 'history', lazy: page(() => import('../history/history-page')) },
        ],
      },
      {
        element: <RequireRole roles={['manager']} />,
        children: [
          { path: 'my/tasks', lazy: page(() => import('../tasks/my-tasks-page')) },
          { path: 'my/tasks/new', lazy: page(() => import('../tasks/task-create-page')) },
          { path: 'my/tasks/:taskId', lazy: page(() => import('../tasks/task-page')) },
          { path: 'my/key-results', lazy: page(() => import('../tasks/key-results-page')) },
          { path: 'my/score', lazy: page(() => import('../me/my-score-page')) },
        ],
      },
      { path: '*', Component: NotFound },
    ],
  },
];
