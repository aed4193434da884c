import 'reflect-metadata';
import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Admin } from 'kafkajs';
import { DataSource, EntityManager } from 'typeorm';
import { CloudEvent, EventDefinition, EventValidationError, parseEvent, Topics } from '@throughline/contracts';
import { createKafka, EventOutbox, HANDLE_EVENT_METADATA, messagingConfigFromEnv, nestMessagingLogger, UnprocessableEventError } from '@throughline/messaging';
import { dataSourceOptions } from '@throughline/service-kit';
import { EVENT_HANDLER_CLASSES, SCORING_PROVIDERS } from '../alignment/alignment.module';
import { metricsDatabase } from '../database/metrics-database';
import { READ_MODEL_TABLES_IN_DROP_ORDER } from '../database/migrations/1764000000310-create-alignment-read-models';
import { TimePassService } from '../time/time-pass.service';

const SERVICE_NAME = 'metrics-service';
const CONSUMED_TOPICS = [Topics.Organisation, Topics.Goals, Topics.Tasks];
const MAX_ATTEMPTS = 5;

/** Publishing is muted while history is replayed: those score changes and alerts were published when they happened. */
const mutedOutbox = { publish: async () => undefined } as unknown as EventOutbox;

@Module({
  imports: [TypeOrmModule.forRootAsync({ useFactory: () => dataSourceOptions(metricsDatabase) })],
  providers: [...SCORING_PROVIDERS, TimePassService, { provide: EventOutbox, useValue: mutedOutbox }],
})
class RebuildModule {}

export interface RebuildReport {
  consumerGroup: string;
  replayGroup: string;
  eventsApplied: number;
  duplicates: number;
  refused: number;
  endOffsets: Record<string, Record<number, string>>;
  timePassAsOf: string;
}

export type Handler = (event: CloudEvent, tx: EntityManager) => Promise<void>;

/**
 * Drops the read models and replays every consumed topic from the beginning into fresh state.
 * The metrics service must be stopped (its consumer group has no members). A fresh consumer
 * group reads from the earliest offsets up to the end offsets seen at the start; each event
 * is applied as the service would (inbox row under the service's consumer name, in one
 * transaction), then the service's group is moved to those end offsets so it resumes after
 * the replay, and the time pass brings scores to the clock's day.
 */
export async function rebuildReadModels(env: NodeJS.ProcessEnv = process.env): Promise<RebuildReport> {
  const logger = new Logger('Rebuild');
  const config = messagingConfigFromEnv(SERVICE_NAME, env);
  const consumerGroup = `${config.topicPrefix}${SERVICE_NAME}`;
  const replayGroup = `${consumerGroup}.rebuild-${Date.now()}`;
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
    const endOffsets: Record<string, Record<number, string>> = {};
    const empty = new Set<string>();
    for (const topic of topics) {
      const partitions = await admin.fetchTopicOffsets(topic);
      endOffsets[topic] = Object.fromEntries(partitions.map((partition) => [partition.partition, partition.high]));
      for (const partition of partitions) if (partition.high === partition.low) empty.add(`${topic}/${partition.partition}`);
    }
    const handlers = discoverHandlers(app);
    const report = { eventsApplied: 0, duplicates: 0, refused: 0 };
    const position: Record<string, Record<number, bigint>> = Object.fromEntries(topics.map((topic) => [topic, {}]));
    const caughtUp = () =>
      topics.every((topic) => Object.entries(endOffsets[topic]).every(([partition, high]) => empty.has(`${topic}/${partition}`) || (position[topic][Number(partition)] ?? -1n) >= BigInt(high) - 1n));

    const consumer = kafka.consumer({ groupId: replayGroup, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    let failure: Error | null = null;
    const done = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (caughtUp() || failure) {
          clearInterval(check);
          resolve();
        }
      }, 50);
    });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        if (failure) return;
        try {
          const outcome = await applyOne(dataSource, consumerGroup, handlers, topic, partition, message.offset, message.value);
          report[outcome]++;
        } catch (error) {
          failure = error as Error;
        }
        position[topic][partition] = BigInt(message.offset);
      },
    });
    await done;
    await consumer.disconnect();
    await admin.deleteGroups([replayGroup]).catch(() => undefined);
    if (failure) throw failure;
    // The service resumes where the replay stopped; anything the replay also saw after that is skipped by the inbox.
    for (const topic of topics) {
      await admin.setOffsets({ groupId: consumerGroup, topic, partitions: Object.entries(endOffsets[topic]).map(([partition, offset]) => ({ partition: Number(partition), offset })) });
    }
    const pass = await app.get(TimePassService).run();
    return { consumerGroup, replayGroup, ...report, endOffsets, timePassAsOf: pass.asOf };
  } finally {
    await app.close();
    await admin.disconnect();
  }
}

async function refuseWhileServiceRuns(admin: Admin, consumerGroup: string): Promise<void> {
  const { groups } = await admin.describeGroups([consumerGroup]);
  const members = groups[0]?.members.length ?? 0;
  if (members > 0) throw new Error(`Stop the metrics service first: its consumer group ${consumerGroup} still has ${members} member(s).`);
}

export function discoverHandlers(app: { get<T>(type: new (...args: never[]) => T): T }): Map<string, Handler[]> {
  const handlers = new Map<string, Handler[]>();
  for (const type of EVENT_HANDLER_CLASSES) {
    const instance = app.get(type as never) as Record<string, unknown>;
    const prototype = Object.getPrototypeOf(instance);
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const method = prototype[name];
      const definitions: EventDefinition[] | undefined = typeof method === 'function' ? Reflect.getMetadata(HANDLE_EVENT_METADATA, method) : undefined;
      for (const definition of definitions ?? []) handlers.set(definition.type, [...(handlers.get(definition.type) ?? []), (method as Handler).bind(instance)]);
    }
  }
  return handlers;
}

/** As the service's consumer does: the inbox row and the handlers' writes commit together, so a duplicate has no effect. */
export async function applyOne(
  dataSource: DataSource,
  consumerGroup: string,
  handlers: Map<string, Handler[]>,
  topic: string,
  partition: number,
  offset: string,
  value: Buffer | null,
): Promise<'eventsApplied' | 'duplicates' | 'refused'> {
  let event: CloudEvent;
  try {
    event = parseEvent(value);
  } catch {
    return 'refused';
  }
  const forType = handlers.get(event.type) ?? [];
  if (forType.length === 0) return 'refused';
  for (let attempt = 1; ; attempt++) {
    try {
      const applied = await dataSource.transaction(async (tx) => {
        const inserted: unknown[] = await tx.query(
          `INSERT INTO inbox_event (consumer, event_id, event_type, topic, kafka_partition, kafka_offset) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (consumer, event_id) DO NOTHING RETURNING event_id`,
          [consumerGroup, event.id, event.type, topic, partition, offset],
        );
        if (inserted.length === 0) return false;
        for (const handler of forType) await handler(event, tx);
        return true;
      });
      return applied ? 'eventsApplied' : 'duplicates';
    } catch (error) {
      if (error instanceof UnprocessableEventError || error instanceof EventValidationError) return 'refused';
      if (attempt >= MAX_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
    }
  }
}
