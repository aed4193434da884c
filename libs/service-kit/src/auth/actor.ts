import type { EventContext } from '@throughline/messaging';

export const ROLES = ['director', 'manager', 'integrator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is acting, and in which organisation; taken from the verified bearer token. */
export interface Actor {
  personId: string;
  orgId: string;
  role: Role;
}

/** The context of what a person's request changes: their organisation, the request's correlation id, them acting. */
export function actedBy(actor: Actor, correlationId: string): EventContext {
  return { orgId: actor.orgId, correlationId, actorId: actor.personId };
}
