import { Admin, Kafka, logLevel, LogEntry, Producer, SASLOptions } from 'kafkajs';
import { MessagingConfig, TopicConfig } from './messaging-config';
import { checkRequestQueuesOnlyWhenRequestsWait } from './kafkajs-request-queue';
import { clientCredentialsTokens, OAuthClientRefused } from './oauth-bearer';
import { organisationPartitioner } from './organisation-partitioner';

// Every kafkajs client of the process, ours or a test's: the patch is on kafkajs's own class.
checkRequestQueuesOnlyWhenRequestsWait();

export interface MessagingLogger {
  debug(message: string, context?: Record<string, unknown>): void;
  log(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

export const silentLogger: MessagingLogger = {
  debug: () => undefined,
  log: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** One kafkajs client per process; its own log lines are routed to ours at warn level and above. */
export function createKafka(config: MessagingConfig, logger: MessagingLogger = silentLogger): Kafka {
  return new Kafka({
    clientId: config.clientId,
    brokers: config.brokers,
    ssl: config.tls && {
      ...(config.tls.ca ? { ca: [config.tls.ca] } : {}),
      ...(config.tls.cert ? { cert: config.tls.cert, key: config.tls.key } : {}),
    },
    sasl: saslOptions(config.sasl),
    connectionTimeout: 3000,
    retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 5000 },
    logLevel: logLevel.WARN,
    logCreator: () => kafkajsLog(logger),
  });
}

/**
 * kafkajs's own log lines, in ours. Its connections log every error answer of the protocol at
 * ERROR before its retries run: topics four services create at once, a coordinator still loading,
 * a partition whose leader is moving. Those go to debug: what really fails surfaces as an error of
 * ours (a relay publish, a consumer crash, a refused connection), which the logs and readiness say.
 */
export function kafkajsLog(logger: MessagingLogger): (entry: LogEntry) => void {
  return ({ namespace, level, log }) => {
    const { message, ...rest } = log;
    // The relay retries whole batches itself and consumers deduplicate, so bounded producer retries are intended.
    if (message.startsWith('Limiting retries for the idempotent producer')) return;
    if (namespace === 'Connection' && message.startsWith('Response ')) logger.debug(`kafkajs: ${message}`, rest);
    else logger.warn(`kafkajs: ${message}`, { level, ...rest });
  };
}

function saslOptions(sasl: MessagingConfig['sasl']): SASLOptions | undefined {
  if (!sasl) return undefined;
  if (sasl.mechanism === 'oauthbearer')
    return {
      mechanism: 'oauthbearer',
      oauthBearerProvider: clientCredentialsTokens({
        tokenUrl: sasl.tokenUrl!,
        clientId: sasl.username,
        clientSecret: sasl.password,
        scope: sasl.scope,
        extensions: sasl.extensions,
      }),
    };
  // kafkajs types each mechanism apart; these are its plain and SCRAM ones, with the same fields.
  return { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password } as SASLOptions;
}

/**
 * Refused credentials, said for the operator (which variables to check); undefined for errors
 * that retrying may cure (a broker restarting, a coordinator still loading).
 */
export function credentialsRefused(error: unknown, config: Pick<MessagingConfig, 'sasl'>): Error | undefined {
  const refusal = causes(error).find(
    (cause) => cause.name === 'KafkaJSSASLAuthenticationError' || cause instanceof OAuthClientRefused,
  );
  if (!refusal) return undefined;
  const who = config.sasl ? `user "${config.sasl.username}" (${config.sasl.mechanism})` : 'this client';
  const variables =
    config.sasl?.mechanism === 'oauthbearer'
      ? 'KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD, KAFKA_SASL_OAUTHBEARER_TOKEN_URL and KAFKA_SASL_OAUTHBEARER_SCOPE'
      : 'KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD and KAFKA_SASL_MECHANISM';
  return new Error(`Kafka refused the SASL credentials of ${who}: check ${variables} (${refusal.message})`);
}

/** An error and the ones it wraps (kafkajs wraps what it gives up on in KafkaJSNonRetriableError). */
function causes(error: unknown): Error[] {
  const chain: Error[] = [];
  for (let current = error; current instanceof Error && !chain.includes(current); current = current.cause)
    chain.push(current);
  return chain;
}

/** How a topic is created: replication and topic-level configuration (`retention.ms`, `min.insync.replicas` …). */
export interface TopicSettings {
  /** -1: the broker's `default.replication.factor`. */
  replicationFactor?: number;
  config?: Record<string, string>;
}

/**
 * The producer every service publishes with (relay, dead letters).
 * Idempotent with one request in flight: retries neither duplicate nor reorder a partition's
 * messages. Few, short retries: the relay retries whole batches itself, so a broker coming back is
 * used at once. Events go to their organisation's partition (`organisationPartitioner`).
 */
export function createProducer(kafka: Kafka): Producer {
  return kafka.producer({
    createPartitioner: organisationPartitioner,
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
  });
}

/**
 * What the services create their topics with. Event and dead-letter topics are kept as long as
 * rebuilds and replays rely on them (forever by default).
 */
export function topicSettings(config: TopicConfig): TopicSettings {
  return {
    replicationFactor: config.replicationFactor,
    config: {
      'min.insync.replicas': String(config.minInsyncReplicas),
      'retention.ms': String(config.eventRetentionMs),
    },
  };
}

/**
 * Creates missing topics with `settings` and waits until every partition has a leader; existing
 * topics keep theirs. Several services may race to create the same topic at start-up; losing
 * that race is fine.
 */
export async function ensureTopics(
  admin: Admin,
  topics: string[],
  numPartitions: number,
  settings: TopicSettings = {},
): Promise<void> {
  const timeoutMs = 30_000;
  const specs = (names: string[]) =>
    names.map((topic) => ({
      topic,
      numPartitions,
      replicationFactor: settings.replicationFactor ?? -1,
      configEntries: Object.entries(settings.config ?? {}).map(([name, value]) => ({ name, value })),
    }));
  const wanted = [...new Set(topics)];
  const existing = new Set(await admin.listTopics());
  const missing = wanted.filter((topic) => !existing.has(topic));
  let creationError: unknown;
  if (missing.length > 0) {
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: specs(missing),
      });
    } catch (error) {
      // Lost a creation race, or a busy broker answered before the leaders were elected:
      // the metadata below tells whether the topics are there after all.
      creationError = error;
    }
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics: wanted });
      if (
        metadata.every(
          (topic) => topic.partitions.length > 0 && topic.partitions.every((partition) => partition.leader >= 0),
        )
      )
        return;
    } catch (error) {
      if (Date.now() > deadline) throw creationError ?? error;
      // A topic is still unknown: ask again (an existing one is simply refused).
      if (missing.length > 0) await admin.createTopics({ topics: specs(missing) }).catch(() => undefined);
    }
    if (Date.now() > deadline)
      throw creationError ?? new Error(`Topics ${wanted.join(', ')} have no leaders after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export interface PartitionLag {
  topic: string;
  partition: number;
  lag: number;
}

/** How far a consumer group is behind the end of each partition of its topics. */
export async function consumerLag(admin: Admin, groupId: string, topics: string[]): Promise<PartitionLag[]> {
  const committed = await admin.fetchOffsets({ groupId, topics });
  const result: PartitionLag[] = [];
  for (const topic of topics) {
    const ends = await admin.fetchTopicOffsets(topic);
    const positions = new Map(
      (committed.find((entry) => entry.topic === topic)?.partitions ?? []).map((entry) => [
        entry.partition,
        Number(entry.offset),
      ]),
    );
    for (const end of ends) {
      const position = positions.get(end.partition) ?? -1;
      const from = position < 0 ? Number(end.low) : position;
      result.push({ topic, partition: end.partition, lag: Math.max(0, Number(end.high) - from) });
    }
  }
  return result;
}
