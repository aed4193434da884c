import { Global, INestApplicationContext, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DiscoveryModule, NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CloudEvent } from '@throughline/contracts';
import { EventDelivery, EventOutbox, eventHandlersOf, Outbox } from '@throughline/messaging';
import { databaseEnv, dataSourceOptions, runMigrations } from '@throughline/service-kit';
import { metricsDatabase } from '../src/database/metrics-database';
import { ReadModelsModule } from '../src/read-models/read-models.module';

export interface MetricsHandlers {
  context: INestApplicationContext;
  dataSource: DataSource;
  /** The events as a consumer would hand them to `applyEventsOnce`, with their handlers. */
  deliveries(events: CloudEvent[]): EventDelivery[];
}

/**
 * Metrics' event handlers and scoring engine on a schema of their own (migrated here), without
 * Kafka: a test applies events with `applyEventsOnce` as the consumer does. `config`: metrics'
 * variables, as validated values (the defaults otherwise).
 */
export async function metricsHandlersIn(schema: string, config?: Record<string, unknown>): Promise<MetricsHandlers> {
  const settings = databaseEnv({ DATABASE_URL: process.env.TEST_DATABASE_URL, DB_SCHEMA: schema });
  await runMigrations(metricsDatabase, settings);
  @Global()
  @Module({
    providers: [
      {
        provide: EventOutbox,
        useFactory: () => new EventOutbox(new Outbox(`${schema}.`), { serviceName: 'metrics-service', publishes: [] }),
      },
      ...(config ? [{ provide: ConfigService, useValue: new ConfigService(config) }] : []),
    ],
    exports: [EventOutbox, ...(config ? [ConfigService] : [])],
  })
  class HostModule {}
  @Module({
    imports: [
      TypeOrmModule.forRootAsync({ useFactory: () => dataSourceOptions(metricsDatabase, settings) }),
      DiscoveryModule,
      HostModule,
      ReadModelsModule,
    ],
  })
  class MetricsHandlersModule {}
  const context = await NestFactory.createApplicationContext(MetricsHandlersModule, { logger: ['error'] });
  const handlers = eventHandlersOf(context);
  return {
    context,
    dataSource: context.get(DataSource),
    deliveries: (events) =>
      events.map((event, index) => ({ event, handlers: handlers.get(event.type) ?? [], offset: String(index) })),
  };
}
