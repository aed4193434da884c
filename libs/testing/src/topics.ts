import { Kafka, logLevel } from 'kafkajs';
import { consumerLag, ensureTopics } from '@throughline/messaging';
import { testKafkaBrokers } from './test-env';
import { waitFor } from './wait';

/** Creates a test's topics (and waits for their leaders) before anything publishes to them. */
export async function createTestTopics(topics: string[], partitions = 3): Promise<void> {
  const admin = new Kafka({
    clientId: 'test-topics',
    brokers: [testKafkaBrokers()],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    await ensureTopics(admin, topics, partitions);
  } finally {
    await admin.disconnect();
  }
}

/** Waits until a consumer group has read everything on these topics (lag 0 on every partition). */
export async function waitForConsumerGroup(group: string, topics: string[], timeoutMs = 60_000): Promise<void> {
  const admin = new Kafka({ clientId: 'test-lag', brokers: [testKafkaBrokers()], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await waitFor(async () => (await consumerLag(admin, group, topics)).every((partition) => partition.lag === 0), {
      timeoutMs,
      what: `${group} to read every event`,
    });
  } finally {
    await admin.disconnect();
  }
}
