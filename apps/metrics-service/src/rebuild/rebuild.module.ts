import { DynamicModule, Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventOutbox, MESSAGING_OPTIONS, MessagingModuleOptions, Outbox } from '@throughline/messaging';
import { databaseEnv, databaseEnvSchema, dataSourceOptions, validatedConfigModule } from '@throughline/service-kit';
import { z } from 'zod';
import { metricsDatabase } from '../database/metrics-database';
import { metricsEnvSchema } from '../metrics-service.config';
import { ReadModelsModule } from '../read-models/read-models.module';
import { TimeModule } from '../time/time.module';
import { HeldBackOutbox } from './held-back-outbox';

const SERVICE_NAME = 'metrics-service';

/** The handlers publish as the service does, into an outbox that holds back (see HeldBackOutbox). */
@Global()
@Module({})
class HeldBackOutboxModule {
  static withPrefix(topicPrefix: string): DynamicModule {
    return {
      module: HeldBackOutboxModule,
      providers: [
        {
          provide: MESSAGING_OPTIONS,
          useValue: { serviceName: SERVICE_NAME, publishes: [] } satisfies MessagingModuleOptions,
        },
        { provide: HeldBackOutbox, useValue: new HeldBackOutbox(topicPrefix) },
        { provide: Outbox, useExisting: HeldBackOutbox },
        EventOutbox,
      ],
      exports: [EventOutbox, HeldBackOutbox],
    };
  }
}

/**
 * What the rebuild command runs: the read models' handlers and the scoring engine, without HTTP,
 * writing into `schema` (the fresh schema being built), never into the live one.
 */
@Module({})
export class RebuildModule {
  static into(schema: string, topicPrefix: string): DynamicModule {
    return {
      module: RebuildModule,
      imports: [
        validatedConfigModule(z.object({ ...databaseEnvSchema.shape, ...metricsEnvSchema.shape })),
        TypeOrmModule.forRootAsync({
          useFactory: () => dataSourceOptions(metricsDatabase, { ...databaseEnv(), DB_SCHEMA: schema }),
        }),
        DiscoveryModule,
        HeldBackOutboxModule.withPrefix(topicPrefix),
        ReadModelsModule,
        TimeModule,
      ],
    };
  }
}
