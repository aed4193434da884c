import { Static, TObject } from '@sinclair/typebox';
import { CloudEvent } from './envelope';
import { TopicName } from './topics';

export interface EventDefinition<S extends TObject = TObject> {
  /** Versioned type name: a breaking change makes a new version, never an edit. */
  readonly type: string;
  readonly version: number;
  readonly topic: TopicName;
  readonly description: string;
  /** JSON Schema of `data`. */
  readonly schema: S;
  // Method syntax keeps definitions of different schemas assignable to one registry list.
  /** The partition key: keeps one aggregate's events in order. */
  partitionKey(data: Static<S>, orgId: string): string;
  /** The aggregate id the event is about (the envelope's subject). */
  subject(data: Static<S>): string;
  readonly example: Static<S>;
}

export function defineEvent<S extends TObject>(definition: EventDefinition<S>): EventDefinition<S> {
  return Object.freeze(definition);
}

export type EventOf<D> = D extends EventDefinition<infer S> ? CloudEvent<Static<S>> : never;
