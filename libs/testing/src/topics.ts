import { Kafka, logLevel } from 'kafkajs';
import { ensureTopics } from '@throughline/messaging';
import { testKafkaBrokers } from './test-env';

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
