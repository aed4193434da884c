import { EventContext } from '@throughline/messaging';
import { Actor } from '@throughline/service-kit';

/** The envelope context of an event caused by an HTTP request. */
export function eventContext(actor: Actor, correlationId: string): EventContext {
  return { orgId: actor.orgId, correlationId };
}
