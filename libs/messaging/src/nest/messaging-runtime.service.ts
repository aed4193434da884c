import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { Admin, Kafka, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { deadLetterTopic } from '@throughline/contracts';
import { runWithinDeadline } from '../core/bounded-shutdown';
import { DeadLetterPublisher } from '../core/dead-letter';
import { EventConsumer } from '../core/event-consumer';
import { credentialsRefused, ensureTopics, MessagingLogger, topicSettings } from '../core/kafka-client';
import { MessagingConfig } from '../core/messaging-config';
import { OutboxRelay } from '../core/outbox-relay';
import { killOnNthCall } from '../core/fault-injection';
import { eventsConsumed, registerRuntimeProbe, unregisterRuntimeProbe } from './messaging-metrics';
import { discoverEventHandlers } from './event-handler-discovery';
import {
  KAFKA,
  KAFKA_PRODUCER,
  MESSAGING_CONFIG,
  MESSAGING_OPTIONS,
  MessagingModuleOptions,
} from './messaging.options';

/** Within the pods' grace period (40 s, less the 5 s preStop pause), leaving time to close HTTP. */
const SHUTDOWN_DEADLINE_MS = 20_000;

export function nestMessagingLogger(logger: Logger): MessagingLogger {
  return {
    debug: (message, context) => logger.debug(context ? `${message} ${JSON.stringify(context)}` : message),
    log: (message, context) => logger.log(context ? `${message} ${JSON.stringify(context)}` : message),
    warn: (message, context) => logger.warn(context ? `${message} ${JSON.stringify(context)}` : message),
    error: (message, context) => logger.error(context ? `${message} ${JSON.stringify(context)}` : message),
  };
}

/**
 * Starts what moves events in and out once the application is up: topics, the outbox
 * relay, and one consumer for every @HandleEvent method; stops them in reverse on shutdown.
 */
@Injectable()
export class MessagingRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Messaging');
  private consumer?: EventConsumer;
  private probeAdmin?: Admin;
  private readonly assignmentListeners = new Set<(assignment: Readonly<Record<string, number[]>>) => void>();

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
    @Inject(MESSAGING_CONFIG) private readonly config: MessagingConfig,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(KAFKA_PRODUCER) private readonly producer: Producer,
    private readonly relay: OutboxRelay,
    private readonly dataSource: DataSource,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  get consumerGroup(): string {
    return this.config.consumerGroup ?? `${this.config.topicPrefix}${this.options.serviceName}`;
  }

  /** Calls `listener` with the partitions this instance owns after every rebalance of its consumer group. */
  onAssignment(listener: (assignment: Readonly<Record<string, number[]>>) => void): void {
    this.assignmentListeners.add(listener);
  }

  get eventConsumer(): EventConsumer | undefined {
    return this.consumer;
  }

  async onApplicationBootstrap(): Promise<void> {
    const handlers = discoverEventHandlers(this.discovery, this.scanner);
    const consumed = [...new Set([...handlers.values()].flat().map(({ definition }) => definition.topic))].map(
      (topic) => this.config.topicPrefix + topic,
    );
    const dlt = this.config.topicPrefix + deadLetterTopic(this.options.serviceName);
    // A broker that is restarting or still electing its coordinators is waited for, not fatal;
    // refused credentials are (no retry cures them), and say which variables to check.
    const retryFor = (budgetMs: number, attempt: () => Promise<unknown>, onRetry: (error: unknown) => void) =>
      retryUnlessRefused(budgetMs, attempt, onRetry, (error) => credentialsRefused(error, this.config));
    await retryFor(
      90_000,
      async () => {
        const admin = this.kafka.admin();
        await admin.connect();
        try {
          await ensureTopics(
            admin,
            [...this.options.publishes.map((topic) => this.config.topicPrefix + topic), ...consumed, dlt],
            this.config.topicPartitions,
            topicSettings(this.config.topics),
          );
        } finally {
          await admin.disconnect();
        }
      },
      (error) => this.logger.warn(`Kafka not ready yet (${String(error)}); retrying`),
    );
    await retryFor(
      90_000,
      () => this.producer.connect(),
      (error) => this.logger.warn(`producer cannot connect yet (${String(error)}); retrying`),
    );
    await this.relay.start();
    if (handlers.size > 0) {
      this.consumer = new EventConsumer({
        kafka: this.kafka,
        dataSource: this.dataSource,
        groupId: this.consumerGroup,
        topics: consumed,
        handlers: new Map([...handlers].map(([type, entries]) => [type, entries.map((entry) => entry.handle)])),
        deadLetters: new DeadLetterPublisher(this.producer, dlt, this.consumerGroup),
        logger: nestMessagingLogger(this.logger),
        afterCommit: killOnNthCall(this.config.faults.consumerKillAfterCommit),
        onOutcome: (outcome, type) => eventsConsumed.inc({ group: this.consumerGroup, type, outcome }),
        onAssignment: (assignment) => this.assignmentListeners.forEach((listener) => listener(assignment)),
        ownerPerOrganisation: this.options.ownerPerOrganisation,
        maxEventsPerTransaction: this.options.maxEventsPerTransaction,
      });
      const consumer = this.consumer;
      await retryFor(
        90_000,
        () => consumer.start(),
        (error) => this.logger.warn(`consumer cannot start yet (${String(error)}); retrying`),
      );
    }
    const probeAdmin = this.kafka.admin();
    this.probeAdmin = probeAdmin;
    await retryFor(
      90_000,
      () => probeAdmin.connect(),
      (error) => this.logger.warn(`lag probe cannot connect yet (${String(error)}); retrying`),
    );
    registerRuntimeProbe(this.options.serviceName, {
      backlog: () => this.relay.backlog(),
      admin: this.probeAdmin,
      groupId: this.consumerGroup,
      topics: consumed,
    });
    this.logger.log(
      `relay started; consuming ${consumed.length ? consumed.join(', ') : 'nothing'} as ${this.consumerGroup}${
        this.options.ownerPerOrganisation && consumed.length ? ', one member per organisation' : ''
      }`,
    );
  }

  /**
   * kafkajs can wait for ever on a disconnect while it is reconnecting to a broker that came back
   * (tulios/kafkajs#1147), so the steps run together under a deadline, inside the pods' grace
   * period. What is left undone is safe to drop: a stopping consumer applies no further event (its
   * batch is given up, not dead-lettered) and offsets not committed are delivered again, the inbox
   * dropping what was applied; an outbox batch not committed is published by the next relay.
   */
  async beforeApplicationShutdown(): Promise<void> {
    unregisterRuntimeProbe(this.options.serviceName);
    const outcomes = await runWithinDeadline(
      [
        { name: 'the consumer', run: () => this.consumer?.stop() },
        { name: 'the outbox relay', run: () => this.relay.stop() },
        { name: 'the producer', run: () => this.producer.disconnect() },
        { name: 'the probe connection', run: () => this.probeAdmin?.disconnect() },
      ],
      SHUTDOWN_DEADLINE_MS,
    );
    for (const step of outcomes)
      if (step.outcome === 'failed') this.logger.warn(`stopping ${step.name} failed: ${String(step.error)}`);
      else if (step.outcome === 'unfinished')
        this.logger.warn(`${step.name} did not stop within ${SHUTDOWN_DEADLINE_MS / 1000} s; shutting down without it`);
  }
}

async function retryUnlessRefused(
  budgetMs: number,
  attempt: () => Promise<unknown>,
  onRetry: (error: unknown) => void,
  fatal: (error: unknown) => Error | undefined,
): Promise<void> {
  const deadline = Date.now() + budgetMs;
  for (let delay = 250; ; delay = Math.min(delay * 2, 5000)) {
    try {
      await attempt();
      return;
    } catch (error) {
      const refusal = fatal(error);
      if (refusal) throw refusal;
      if (Date.now() + delay > deadline) throw error;
      onRetry(error);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
