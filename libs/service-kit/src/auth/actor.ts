import type { EventContext } from '@throughline/messaging';

export const ROLES = ['director', 'manager', 'integrator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Scopes that narrow a token to a few routes (the OAuth `scope` claim, space-separated). A token
 * carrying one of them may call only the routes that declare it (@Scopes); tokens without any
 * keep what their role allows. `measurements:write`: push key-result measurements, nothing else.
 */
export const TOKEN_SCOPES = ['measurements:write'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** The Throughline scopes named in a token's `scope` claim (others, such as `openid`, are not ours and ignored). */
export function tokenScopes(claim: unknown): TokenScope[] {
  if (typeof claim !== 'string') return [];
  const named = new Set(claim.split(' '));
  return TOKEN_SCOPES.filter((scope) => named.has(scope));
}

/** Who is acting, and in which organisation; taken from the verified bearer token. */
export interface Actor {
  personId: string;
  orgId: string;
  role: Role;
  /** Present when the token is narrowed to these scopes; absent, the role alone decides. */
  scopes?: TokenScope[];
}

/** The context of what a person's request changes: their organisation, the request's correlation id, them acting. */
export function actedBy(actor: Actor, correlationId: string): EventContext {
  return { orgId: actor.orgId, correlationId, actorId: actor.personId };
}
