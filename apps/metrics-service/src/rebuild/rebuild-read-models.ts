import 'reflect-metadata';
import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Admin } from 'kafkajs';
import { DataSource } from 'typeorm';
import { EventDefinition, Topics } from '@throughline/contracts';
import {
  createKafka,
  EventConsumer,
  EventHandlerFn,
  EventOutbox,
  HANDLE_EVENT_METADATA,
  messagingConfigFromEnv,
  nestMessagingLogger,
} from '@throughline/messaging';
import { databaseEnvSchema, dataSourceOptions, validatedConfigModule } from '@throughline/service-kit';
import { z } from 'zod';
import { metricsEnvSchema } from '../metrics-service.config';
import { EVENT_HANDLER_CLASSES, SCORING_PROVIDERS } from '../alignment/alignment.module';
import { metricsDatabase } from '../database/metrics-database';
import { READ_MODEL_TABLES_IN_DROP_ORDER } from '../database/migrations/1764000000310-create-alignment-read-models';
import { TimePassService } from '../time/time-pass.service';

const SERVICE_NAME = 'metrics-service';
const CONSUMED_TOPICS = [Topics.Organisation, Topics.Goals, Topics.Tasks];
const MAX_ATTEMPTS = 5;

/** Publishing is muted while history is replayed: those score changes and alerts were published when they happened. */
const mutedOutbox = { publish: async () => undefined, publishAll: async () => undefined } as unknown as EventOutbox;

@Module({
  imports: [
    validatedConfigModule(z.object({ ...databaseEnvSchema.shape, ...metricsEnvSchema.shape })),
    TypeOrmModule.forRootAsync({ useFactory: () => dataSourceOptions(metricsDatabase) }),
  ],
  providers: [...SCORING_PROVIDERS, TimePassService, { provide: EventOutbox, useValue: mutedOutbox }],
})
class RebuildModule {}

export interface RebuildReport {
  consumerGroup: string;
  eventsApplied: number;
  duplicates: number;
  refused: number;
  endOffsets: Record<string, Record<number, string>>;
  timePassAsOf: string;
}

/**
 * Drops the read models and replays every consumed topic from the beginning into fresh state.
 * The metrics service must be stopped (its consumer group has no members). The group's
 * committed offsets are deleted and the service's own consumer reads from the earliest offsets
 * up to the end offsets seen at the start, applying events exactly as the service does; the
 * offsets it commits are where the service resumes, and the time pass brings scores to the
 * clock's day. (Moving a group's offsets with kafkajs joins the group once per topic, seconds
 * each; reading under the service's group needs no move.)
 */
export async function rebuildReadModels(env: NodeJS.ProcessEnv = process.env): Promise<RebuildReport> {
  const logger = new Logger('Rebuild');
  const config = messagingConfigFromEnv(SERVICE_NAME, env);
  const consumerGroup = `${config.topicPrefix}${SERVICE_NAME}`;
  const topics = CONSUMED_TOPICS.map((topic) => config.topicPrefix + topic);
  const kafka = createKafka({ ...config, clientId: `${SERVICE_NAME}-rebuild` }, nestMessagingLogger(logger));
  const admin = kafka.admin();
  await admin.connect();
  const app = await NestFactory.createApplicationContext(RebuildModule, { logger: ['error', 'warn'] });
  try {
    await refuseWhileServiceRuns(admin, consumerGroup);
    const dataSource = app.get(DataSource);
    await dataSource.transaction(async (tx) => {
      await tx.query(`TRUNCATE ${READ_MODEL_TABLES_IN_DROP_ORDER.join(', ')}`);
      await tx.query(`DELETE FROM inbox_event WHERE consumer = $1`, [consumerGroup]);
    });
    // A group that never committed has nothing to delete.
    await admin.deleteGroups([consumerGroup]).catch(() => undefined);
    const endOffsets: Record<string, Record<number, string>> = {};
    const empty = new Set<string>();
    for (const topic of topics) {
      const partitions = await admin.fetchTopicOffsets(topic);
      endOffsets[topic] = Object.fromEntries(partitions.map((partition) => [partition.partition, partition.high]));
      for (const partition of partitions)
        if (partition.high === partition.low) empty.add(`${topic}/${partition.partition}`);
    }
    let failure: Error | null = null;
    let refused = 0;
    const consumer = new EventConsumer({
      kafka,
      dataSource,
      groupId: consumerGroup,
      topics,
      handlers: discoverHandlers(app),
      maxAttempts: MAX_ATTEMPTS,
      logger: nestMessagingLogger(logger),
      // Nothing is dead-lettered twice: what the service refused then is counted and passed over; what fails every attempt stops the rebuild.
      deadLetters: {
        publish: async (letter) => {
          if (letter.attempts >= MAX_ATTEMPTS)
            failure ??= new Error(
              `event at ${letter.originalTopic}/${letter.partition}@${letter.offset} failed ${letter.attempts} times: ${letter.reason}`,
            );
          else refused++;
        },
      },
    });
    const caughtUp = () =>
      topics.every((topic) =>
        Object.entries(endOffsets[topic]).every(
          ([partition, high]) =>
            empty.has(`${topic}/${partition}`) ||
            (consumer.resolvedOffset(topic, Number(partition)) ?? -1n) >= BigInt(high) - 1n,
        ),
      );
    await consumer.start();
    try {
      await new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if (!caughtUp() && !failure) return;
          clearInterval(check);
          resolve();
        }, 50);
      });
    } finally {
      await consumer.stop();
    }
    if (failure) throw failure;
    const report = {
      eventsApplied: consumer.stats.processed,
      duplicates: consumer.stats.duplicate,
      refused: refused + consumer.stats.skipped,
    };
    const pass = await app.get(TimePassService).run();
    return { consumerGroup, ...report, endOffsets, timePassAsOf: pass.asOf };
  } finally {
    await app.close();
    await admin.disconnect();
  }
}

async function refuseWhileServiceRuns(admin: Admin, consumerGroup: string): Promise<void> {
  const { groups } = await admin.describeGroups([consumerGroup]);
  const members = groups[0]?.members.length ?? 0;
  if (members > 0)
    throw new Error(
      `Stop the metrics service first: its consumer group ${consumerGroup} still has ${members} member(s).`,
    );
}

export function discoverHandlers(app: { get<T>(type: new (...args: never[]) => T): T }): Map<string, EventHandlerFn[]> {
  const handlers = new Map<string, EventHandlerFn[]>();
  for (const type of EVENT_HANDLER_CLASSES) {
    const instance = app.get(type as never) as Record<string, unknown>;
    const prototype = Object.getPrototypeOf(instance);
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const method = prototype[name];
      const definitions: EventDefinition[] | undefined =
        typeof method === 'function' ? Reflect.getMetadata(HANDLE_EVENT_METADATA, method) : undefined;
      for (const definition of definitions ?? [])
        handlers.set(definition.type, [
          ...(handlers.get(definition.type) ?? []),
          (method as EventHandlerFn).bind(instance),
        ]);
    }
  }
  return handlers;
}
