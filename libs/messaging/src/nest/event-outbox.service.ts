import { Inject, Injectable } from '@nestjs/common';
import { Static, TObject } from '@sinclair/typebox';
import { EntityManager } from 'typeorm';
import { createEvent, EventDefinition } from '@throughline/contracts';
import { Outbox } from '../core/outbox';
import { MESSAGING_OPTIONS, MessagingModuleOptions } from './messaging.options';

/** Who an event is for and what caused it; carried from the request or the consumed event. */
export interface EventContext {
  orgId: string;
  correlationId: string;
  causationId?: string;
}

/** Publishing is one call inside the caller's transaction: the event commits with the change. */
@Injectable()
export class EventOutbox {
  constructor(
    private readonly outbox: Outbox,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
  ) {}

  async publish<S extends TObject>(tx: EntityManager, definition: EventDefinition<S>, data: Static<S>, context: EventContext): Promise<void> {
    const event = createEvent(definition, data, {
      source: `/throughline/${this.options.serviceName}`,
      orgId: context.orgId,
      correlationId: context.correlationId,
      causationId: context.causationId,
    });
    await this.outbox.append(tx, event);
  }
}
