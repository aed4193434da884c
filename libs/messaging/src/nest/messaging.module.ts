import { DynamicModule, Global, Logger, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ConfigService } from '@nestjs/config';
import { envSlice } from '@throughline/config';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { createKafka, createProducer } from '../core/kafka-client';
import { kafkaEnvSchema, MessagingConfig, messagingConfig } from '../core/messaging-config';
import { killOnNthCall } from '../core/fault-injection';
import { Outbox } from '../core/outbox';
import { OutboxRelay } from '../core/outbox-relay';
import { EventOutbox } from './event-outbox.service';
import { eventsPublished } from './messaging-metrics';
import { MessagingRuntime, nestMessagingLogger } from './messaging-runtime.service';
import { RetentionService } from './retention.service';
import {
  KAFKA,
  KAFKA_PRODUCER,
  MESSAGING_CONFIG,
  MESSAGING_OPTIONS,
  MessagingModuleOptions,
} from './messaging.options';

@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingModuleOptions): DynamicModule {
    const logger = nestMessagingLogger(new Logger('Messaging'));
    return {
      module: MessagingModule,
      imports: [DiscoveryModule],
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        {
          provide: MESSAGING_CONFIG,
          inject: [ConfigService],
          useFactory: (config: ConfigService) => messagingConfig(options.serviceName, envSlice(kafkaEnvSchema, config)),
        },
        {
          provide: KAFKA,
          inject: [MESSAGING_CONFIG],
          useFactory: (config: MessagingConfig) => createKafka(config, logger),
        },
        {
          provide: KAFKA_PRODUCER,
          inject: [KAFKA],
          useFactory: (kafka: Kafka) => createProducer(kafka),
        },
        {
          provide: Outbox,
          inject: [MESSAGING_CONFIG],
          useFactory: (config: MessagingConfig) => new Outbox(config.topicPrefix),
        },
        {
          provide: OutboxRelay,
          inject: [DataSource, KAFKA_PRODUCER, MESSAGING_CONFIG, Outbox],
          useFactory: (dataSource: DataSource, producer, config: MessagingConfig, outbox: Outbox) => {
            const relay = new OutboxRelay(dataSource, producer, {
              logger,
              afterPublish: killOnNthCall(config.faults.relayKillAfterPublish),
              onPublished: (topic, count) => eventsPublished.inc({ service: options.serviceName, topic }, count),
            });
            outbox.announceCommitsTo(() => relay.committed());
            return relay;
          },
        },
        EventOutbox,
        MessagingRuntime,
        RetentionService,
      ],
      exports: [MESSAGING_CONFIG, KAFKA, KAFKA_PRODUCER, Outbox, OutboxRelay, EventOutbox, MessagingRuntime],
    };
  }
}
