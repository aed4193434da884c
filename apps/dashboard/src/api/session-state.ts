/** The signed-in person as the BFF describes them (GET /auth/session). */
export interface Session {
  person: { id: string; name: string; email: string; role: Role; orgUnitId: string | null };
  organisation?: { id: string; name: string };
  csrfToken: string;
}

export type Role = 'director' | 'manager' | 'integrator' | 'admin';

let current: Session | undefined;

export function rememberSession(session: Session | undefined): void {
  current = session;
}

export function csrfToken(): string {
  return current?.csrfToken ?? '';
}

/** Where the BFF starts sign-in, coming back to the page the person was on. */
export function signInUrl(returnTo: string): string {
  const safe = returnTo.startsWith('/') && !returnTo.startsWith('//') ? returnTo : '/';
  return `/auth/login?returnTo=${encodeURIComponent(safe)}`;
}

let leaving = false;

export function sendToSignIn(): void {
  if (leaving) return;
  leaving = true;
  const { pathname, search, hash } = window.location;
  window.location.assign(signInUrl(`${pathname}${search}${hash}`));
}

/** Directors (and admins, who set the organisation up) see the organisation's pages; managers their own work. */
export function seesOrganisation(role: Role): boolean {
  return role === 'director' || role === 'admin';
}

export function homePath(role: Role): string {
  return seesOrganisation(role) ? '/overview' : '/my/tasks';
}
