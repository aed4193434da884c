import { Navigate, NavLink, Outlet, useLocation } from 'react-router';
import { useEffect, useRef } from 'react';
import { useLiveUpdates, type LiveState } from '../live/use-live-updates';
import { SessionGate, signOut, useSession } from '../session/session';
import { homePath, seesOrganisation, signInUrl, type Role } from '../api/session-state';

const DIRECTOR_NAV = [
  { to: '/overview', label: 'Overview' },
  { to: '/alignment', label: 'Alignment' },
  { to: '/managers', label: 'Managers' },
  { to: '/history', label: 'History' },
  { to: '/goals/new', label: 'New goal' },
];
const MANAGER_NAV = [
  { to: '/my/tasks', label: 'My tasks' },
  { to: '/my/key-results', label: 'Key results' },
  { to: '/my/score', label: 'My score' },
];

export function Layout() {
  return (
    <SessionGate>
      <Shell />
    </SessionGate>
  );
}

const LIVE_LABEL: Record<LiveState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
};

function Shell() {
  const { person, organisation, csrfToken } = useSession();
  const live = useLiveUpdates();
  const nav = seesOrganisation(person.role) ? DIRECTOR_NAV : MANAGER_NAV;
  const location = useLocation();
  const main = useRef<HTMLElement>(null);
  // After a client-side navigation, keyboard and screen-reader users start at the new page's content.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) first.current = false;
    else main.current?.focus();
  }, [location.pathname]);
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top-bar">
        <div className="brand">
          <span className="brand-name">Throughline</span>
          {organisation && <span className="organisation">{organisation.name}</span>}
        </div>
        <nav aria-label="Main">
          <ul>
            {nav.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to}>{item.label}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span className={`live live-${live}`} role="status">
            <span aria-hidden="true" className="live-dot" />
            {LIVE_LABEL[live]}
          </span>
          <span className="person">
            {person.name} <span className="role">({person.role})</span>
          </span>
          <button type="button" className="button-quiet" onClick={() => void signOut(csrfToken)}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}

export function RoleHome() {
  const { person } = useSession();
  return <Navigate to={homePath(person.role)} replace />;
}

/** A page for some roles only: others are told so (the services refuse them the data anyway). */
export function RequireRole({ roles }: { roles: Role[] }) {
  const { person } = useSession();
  if (roles.includes(person.role)) return <Outlet />;
  return (
    <div className="state state-error" role="alert">
      <h1>This page is not for you</h1>
      <p>
        It is for {roles.join(' and ')}s; you are signed in as a {person.role}.{' '}
        <NavLink to="/">Go to your start page</NavLink>
      </p>
    </div>
  );
}

export function SignedOut() {
  return (
    <main id="main" className="signed-out">
      <h1>You have signed out of Throughline</h1>
      <p>
        <a className="button" href={signInUrl('/')}>
          Sign in again
        </a>
      </p>
    </main>
  );
}
