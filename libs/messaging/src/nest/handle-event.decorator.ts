import { SetMetadata } from '@nestjs/common';
import { EventDefinition } from '@throughline/contracts';

export const HANDLE_EVENT_METADATA = 'throughline:handle-event';

/**
 * Marks a provider method as the handler of an event type. It is called with the
 * validated event and the transaction that also records the event as processed;
 * write through that transaction (and append follow-up events to the outbox with it).
 */
export const HandleEvent = (...definitions: EventDefinition[]) => SetMetadata(HANDLE_EVENT_METADATA, definitions);
