import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Admin } from 'kafkajs';
import { DataSource, EntityManager } from 'typeorm';
import { Topics } from '@throughline/contracts';
import {
  byOrganisationTopic,
  createKafka,
  EventConsumer,
  eventHandlersOf,
  messagingConfigFromEnv,
  nestMessagingLogger,
} from '@throughline/messaging';
import { TimePassService } from '../time/time-pass.service';
import { RebuildModule } from './rebuild.module';

const SERVICE_NAME = 'metrics-service';
const CONSUMED_TOPICS = [Topics.Organisation, Topics.Goals, Topics.Tasks];
const MAX_ATTEMPTS = 5;
/** Tables that are not derived from the topics: settings are the directors' input; the rest is the messaging library's and the migrations' own. */
const KEPT_TABLES = ['alignment_settings', 'outbox_event', 'inbox_event', 'audit_entry', 'typeorm_migrations'];

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
 * each; reading under the service's group needs no move, except for its repartition topic.)
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
      await tx.query(`TRUNCATE ${(await derivedTables(tx)).join(', ')}`);
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
      handlers: eventHandlersOf(app),
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
    await skipWhatWasForwarded(admin, consumerGroup, endOffsets);
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

/**
 * What the stopped service had forwarded to its repartition topic came from the topics just
 * replayed, so the service resumes that topic at its end rather than applying it all again.
 */
async function skipWhatWasForwarded(
  admin: Admin,
  consumerGroup: string,
  endOffsets: Record<string, Record<number, string>>,
): Promise<void> {
  const topic = byOrganisationTopic(consumerGroup);
  if (!(await admin.listTopics()).includes(topic)) return;
  const partitions = (await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => ({ partition, offset: high }));
  await admin.setOffsets({ groupId: consumerGroup, topic, partitions });
  endOffsets[topic] = Object.fromEntries(partitions.map(({ partition, offset }) => [partition, offset]));
}

async function refuseWhileServiceRuns(admin: Admin, consumerGroup: string): Promise<void> {
  const { groups } = await admin.describeGroups([consumerGroup]);
  const members = groups[0]?.members.length ?? 0;
  if (members > 0)
    throw new Error(
      `Stop the metrics service first: its consumer group ${consumerGroup} still has ${members} member(s).`,
    );
}

/** Every table of the service's schema that the topics rebuild, read from the catalogue so a new read model is never missed. */
async function derivedTables(tx: EntityManager): Promise<string[]> {
  const rows: Array<{ name: string }> = await tx.query(
    `SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename <> ALL($1::text[]) ORDER BY tablename`,
    [KEPT_TABLES],
  );
  return rows.map((row) => row.name);
}
