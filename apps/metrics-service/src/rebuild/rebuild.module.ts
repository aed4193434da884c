import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventOutbox } from '@throughline/messaging';
import { databaseEnvSchema, dataSourceOptions, validatedConfigModule } from '@throughline/service-kit';
import { z } from 'zod';
import { metricsDatabase } from '../database/metrics-database';
import { metricsEnvSchema } from '../metrics-service.config';
import { ReadModelsModule } from '../read-models/read-models.module';
import { TimeModule } from '../time/time.module';

/** Publishing is muted while history is replayed: those score changes and alerts were published when they happened. */
const mutedOutbox = { publish: async () => undefined, publishAll: async () => undefined } as unknown as EventOutbox;

@Global()
@Module({ providers: [{ provide: EventOutbox, useValue: mutedOutbox }], exports: [EventOutbox] })
class MutedOutboxModule {}

/** What the rebuild command runs: the read models' handlers and the time pass, without HTTP and without publishing. */
@Module({
  imports: [
    validatedConfigModule(z.object({ ...databaseEnvSchema.shape, ...metricsEnvSchema.shape })),
    TypeOrmModule.forRootAsync({ useFactory: () => dataSourceOptions(metricsDatabase) }),
    DiscoveryModule,
    MutedOutboxModule,
    ReadModelsModule,
    TimeModule,
  ],
})
export class RebuildModule {}
