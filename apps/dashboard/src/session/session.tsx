import { useQuery } from '@tanstack/react-query';
import { createContext, useContext, type ReactNode } from 'react';
import { ApiError, toProblem } from '../api/problem';
import { ErrorState, Loading } from '../ui/primitives';
import { rememberSession, sendToSignIn, type Session } from '../api/session-state';

const SessionContext = createContext<Session | undefined>(undefined);

/**
 * The session, or null when nobody is signed in (a query may not resolve to undefined). The
 * request matches index.html's preload (same address, mode and credentials), so the first one
 * takes the answer already on its way.
 */
async function fetchSession(): Promise<Session | null> {
  const response = await fetch('/auth/session', { credentials: 'same-origin' });
  if (response.status === 401) return null;
  if (!response.ok) throw new ApiError(toProblem(response.status, await response.json().catch(() => undefined)));
  return (await response.json()) as Session;
}

/** Renders its children for a signed-in person; anyone else is sent to sign in, back to this page afterwards. */
export function SessionGate({ children }: { children: ReactNode }) {
  const session = useQuery({ queryKey: ['session'], queryFn: fetchSession, staleTime: Infinity, retry: 1 });
  if (session.isPending) return <Loading what="your session" />;
  if (session.isError) return <ErrorState error={session.error} what="your session" />;
  if (!session.data) {
    sendToSignIn();
    return <Loading what="the sign-in page" />;
  }
  rememberSession(session.data);
  return <SessionContext.Provider value={session.data}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionGate');
  return session;
}

/**
 * Ends the session at the BFF, then at the identity provider when it offers an end-session address
 * (otherwise its own session would sign the person straight back in); without one, a signed-out page.
 */
export async function signOut(csrfToken: string): Promise<void> {
  const response = await fetch('/auth/logout', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'x-csrf-token': csrfToken },
  });
  rememberSession(undefined);
  window.location.assign(response.headers.get('x-end-session-url') ?? '/signed-out');
}
