import { CloudEvent } from '@throughline/contracts';

/** Who an event is for and what caused it; carried from the request or the consumed event. */
export interface EventContext {
  orgId: string;
  correlationId: string;
  causationId?: string;
  /** The person acting; null when the system acts; taken from the request context when absent. */
  actorId?: string | null;
}

/** The context of what the system does because of `event`: its organisation and correlation, caused by it, no person acting. */
export function causedBy(event: Pick<CloudEvent, 'id' | 'orgid' | 'correlationid'>): EventContext {
  return { orgId: event.orgid, actorId: null, correlationId: event.correlationid, causationId: event.id };
}
