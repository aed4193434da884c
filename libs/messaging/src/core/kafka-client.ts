import { Admin, Kafka, logLevel, LogEntry } from 'kafkajs';
import { MessagingConfig } from './messaging-config';

export interface MessagingLogger {
  log(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

export const silentLogger: MessagingLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** One kafkajs client per process; its own log lines are routed to ours at warn level and above. */
export function createKafka(config: MessagingConfig, logger: MessagingLogger = silentLogger): Kafka {
  return new Kafka({
    clientId: config.clientId,
    brokers: config.brokers,
    connectionTimeout: 3000,
    retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 5000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...rest } = log;
        // The relay retries whole batches itself and consumers deduplicate, so bounded producer retries are intended.
        if (message.startsWith('Limiting retries for the idempotent producer')) return;
        // kafkajs logs retriable protocol errors (a coordinator still loading) as ERROR; what
        // really fails surfaces as a relay error or a consumer crash, which readiness reports.
        logger.warn(`kafkajs: ${message}`, { level, ...rest });
      },
  });
}

/** Creates missing topics and waits for their leaders; existing topics are left as they are. */
export async function ensureTopics(admin: Admin, topics: string[], numPartitions: number): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = [...new Set(topics)].filter((topic) => !existing.has(topic));
  if (missing.length === 0) return;
  await admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic, numPartitions, replicationFactor: -1 })) });
}
