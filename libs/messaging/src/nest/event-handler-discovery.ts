import { INestApplicationContext } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { EventDefinition } from '@throughline/contracts';
import { EventHandlerFn } from '../core/event-consumer';
import { HANDLE_EVENT_METADATA } from './handle-event.decorator';

export interface DiscoveredHandler {
  definition: EventDefinition;
  handle: EventHandlerFn;
}

/** Every @HandleEvent method of the application's providers, by event type. */
export function discoverEventHandlers(
  discovery: DiscoveryService,
  scanner: MetadataScanner,
): Map<string, DiscoveredHandler[]> {
  const handlers = new Map<string, DiscoveredHandler[]>();
  for (const wrapper of discovery.getProviders()) {
    const instance = wrapper.instance as Record<string, unknown> | undefined;
    if (!instance || typeof instance !== 'object') continue;
    for (const methodName of scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
      const method = instance[methodName] as EventHandlerFn;
      const definitions: EventDefinition[] | undefined = Reflect.getMetadata(HANDLE_EVENT_METADATA, method);
      if (!definitions) continue;
      for (const definition of definitions) {
        const entries = handlers.get(definition.type) ?? [];
        entries.push({ definition, handle: method.bind(instance) });
        handlers.set(definition.type, entries);
      }
    }
  }
  return handlers;
}

/**
 * The handlers of an application context that imports DiscoveryModule, in the shape the
 * EventConsumer takes: for a command (a replay, a benchmark) that consumes outside MessagingModule.
 */
export function eventHandlersOf(app: INestApplicationContext): Map<string, EventHandlerFn[]> {
  const discovered = discoverEventHandlers(app.get(DiscoveryService), app.get(MetadataScanner));
  return new Map([...discovered].map(([type, entries]) => [type, entries.map((entry) => entry.handle)]));
}
