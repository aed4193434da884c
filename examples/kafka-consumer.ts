/**
 * A minimal Throughline integrator over Kafka: reads every topic in its own consumer
 * group, validates each message against the contracts (`parseEvent`), prints it.
 *
 *   npx tsx examples/kafka-consumer.ts
 *
 * Settings (environment): KAFKA_BROKERS (default 127.0.0.1:19092, the broker `npm start`
 * runs), KAFKA_TOPIC_PREFIX (if your deployment sets one), GROUP_ID (default
 * example-integrator; a new group starts from the beginning of each topic).
 */
import { Kafka, logLevel } from 'kafkajs';
import { ALL_TOPICS, EventValidationError, parseEvent } from '../libs/contracts/src';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');
const prefix = process.env.KAFKA_TOPIC_PREFIX ?? '';
const groupId = process.env.GROUP_ID ?? 'example-integrator';

async function main(): Promise<void> {
  const consumer = new Kafka({ clientId: groupId, brokers, logLevel: logLevel.WARN }).consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topics: ALL_TOPICS.map((topic) => prefix + topic), fromBeginning: true });
  console.log(`reading ${ALL_TOPICS.length} topics from ${brokers.join(',')} as ${groupId}; Ctrl-C to stop`);
  const seen = new Set<string>();
  await consumer.run({
    // Messages of one key (one goal, one organisation) arrive in order within their partition.
    eachMessage: async ({ topic, partition, message }) => {
      try {
        const event = parseEvent(message.value);
        // Delivery is at least once: a redelivered event carries the same id. Keep this set in your database.
        if (seen.has(event.id)) return;
        seen.add(event.id);
        console.log(
          `${event.time} ${event.type} subject=${event.subject} org=${event.orgid} key=${message.key?.toString()} (${topic}#${partition}@${message.offset})`,
        );
        console.log(`  ${JSON.stringify(event.data)}`);
      } catch (error) {
        if (!(error instanceof EventValidationError)) throw error;
        // A message this version of the contracts cannot read: log it and move on rather than stall the partition.
        console.warn(`skipped ${topic}#${partition}@${message.offset}: ${error.message}`);
      }
    },
  });
  const stop = async () => {
    await consumer.disconnect();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
