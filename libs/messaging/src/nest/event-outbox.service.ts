import { Inject, Injectable, Optional } from '@nestjs/common';
import { Static, TObject } from '@sinclair/typebox';
import { EntityManager } from 'typeorm';
import { createEvent, EventDefinition } from '@throughline/contracts';
import { EventContext } from '../core/event-context';
import { GuardedChange, Outbox } from '../core/outbox';
import { MESSAGING_OPTIONS, MessagingModuleOptions } from './messaging.options';

/** Supplies what the current request knows (the acting person), without messaging depending on HTTP. */
export const EVENT_CONTEXT_SOURCE = Symbol('EVENT_CONTEXT_SOURCE');
export type EventContextSource = () => { actorId?: string };

/** Events of one type with their data, as `publishTogether` takes them: `eventsOf` keeps the two in step. */
export interface EventsOf {
  definition: EventDefinition<TObject>;
  data: unknown[];
}

export function eventsOf<S extends TObject>(definition: EventDefinition<S>, data: Array<Static<S>>): EventsOf {
  return { definition: definition as unknown as EventDefinition<TObject>, data };
}

/**
 * Publishing is one call inside the caller's transaction: the event and its audit entry
 * commit with the change, or neither does.
 */
@Injectable()
export class EventOutbox {
  constructor(
    private readonly outbox: Outbox,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
    @Optional() @Inject(EVENT_CONTEXT_SOURCE) private readonly contextSource?: EventContextSource,
  ) {}

  async publish<S extends TObject>(
    tx: EntityManager,
    definition: EventDefinition<S>,
    data: Static<S>,
    context: EventContext,
    options: { onlyIf?: GuardedChange } = {},
  ): Promise<boolean> {
    return this.publishAll(tx, definition, [data], context, options);
  }

  /**
   * Several events of one type and context in one statement; with `onlyIf`, written in the same
   * statement as the change they announce, and only if it applied (false: it did not, nothing was written).
   */
  async publishAll<S extends TObject>(
    tx: EntityManager,
    definition: EventDefinition<S>,
    data: Array<Static<S>>,
    context: EventContext,
    options: { onlyIf?: GuardedChange } = {},
  ): Promise<boolean> {
    return this.publishTogether(tx, [eventsOf(definition, data)], context, options);
  }

  /** Events of several types (`eventsOf`), in the order given, as `publishAll` writes one type's. */
  async publishTogether(
    tx: EntityManager,
    groups: EventsOf[],
    context: EventContext,
    { onlyIf }: { onlyIf?: GuardedChange } = {},
  ): Promise<boolean> {
    const actorId = (context.actorId === undefined ? this.contextSource?.().actorId : context.actorId) ?? undefined;
    const meta = {
      source: `/throughline/${this.options.serviceName}`,
      orgId: context.orgId,
      correlationId: context.correlationId,
      causationId: context.causationId,
      actorId,
    };
    const events = groups.flatMap(({ definition, data }) =>
      data.map((entry) => createEvent(definition, entry as Static<TObject>, meta)),
    );
    if (onlyIf) return this.outbox.appendIf(tx, onlyIf, events, { audit: true });
    await this.outbox.append(tx, events, { audit: true });
    return true;
  }
}
