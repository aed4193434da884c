import type { RouteObject } from 'react-router';
import { NotFound } from '../ui/primitives';
import { Layout, RequireRole, RoleHome, SignedOut } from './layout';

/** Each page is its own chunk, loaded when first visited: the first route stays small. */
const page = (load: () => Promise<{ default: React.ComponentType }>) => async () => ({
  Component: (await load()).default,
});

export const routes: RouteObject[] = [
  { path: '/signed-out', Component: SignedOut },
  {
    Component: Layout,
    children: [
      { index: true, Component: RoleHome },
      {
        element: <RequireRole roles={['director', 'admin']} />,
        children: [{ path: 'overview', lazy: page(() => import('../organisation/overview-page')) }],
      },
      {
        element: <RequireRole roles={['manager']} />,
        children: [],
      },
      { path: '*', Component: NotFound },
    ],
  },
];
