import { EventContext } from '@throughline/messaging';
import { Actor } from '@throughline/service-kit';

/** The envelope context of an event caused by an HTTP request: tenant, correlation and who acted. */
export function eventContext(actor: Actor, correlationId: string): EventContext {
  return { orgId: actor.orgId, correlationId, actorId: actor.personId };
}
