export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');
export const MESSAGING_CONFIG = Symbol('MESSAGING_CONFIG');
export const KAFKA = Symbol('KAFKA');
export const KAFKA_PRODUCER = Symbol('KAFKA_PRODUCER');

export interface MessagingModuleOptions {
  /** Names the event source and the consumer group. */
  serviceName: string;
  /** Topics this service publishes to (created at start if missing). */
  publishes: readonly string[];
  /**
   * Apply all of an organisation's events on one member of the consumer group (partition p of
   * every topic on one member, where the services place each event by its organisation), so
   * state kept per organisation has exactly one writer.
   */
  ownerPerOrganisation?: boolean;
  /** Most waiting events of one organisation applied in one transaction (default 100; see `EventConsumerOptions`). */
  maxEventsPerTransaction?: number;
}
