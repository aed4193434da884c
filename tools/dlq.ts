/**
 * Inspect and replay a service's dead-letter queue.
 *   npm run dlq -- list   --service execution-service
 *   npm run dlq -- replay --service execution-service --offsets 0:12,2:7   (or --all)
 * Uses KAFKA_BROKERS (default 127.0.0.1:19092, the broker `npm start` runs) and KAFKA_TOPIC_PREFIX.
 */
import { parseArgs } from 'node:util';
import { deadLetterTopic } from '../libs/contracts/src/topics';
import { createKafka, createProducer } from '../libs/messaging/src/core/kafka-client';
import { messagingConfigFromEnv } from '../libs/messaging/src/core/messaging-config';
import { readDeadLetters, replayDeadLetters } from '../libs/messaging/src/core/dead-letter-queue';

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      service: { type: 'string' },
      offsets: { type: 'string' },
      all: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const [command] = positionals;
  if (!['list', 'replay'].includes(command) || !values.service) {
    console.error(
      'usage: npm run dlq -- list|replay --service <strategy-service|execution-service|metrics-service> [--offsets p:o,p:o | --all] [--json]',
    );
    process.exit(2);
  }
  const config = messagingConfigFromEnv('throughline-dlq');
  const topic = config.topicPrefix + deadLetterTopic(values.service);
  const kafka = createKafka(config);
  const letters = await readDeadLetters(kafka, topic);
  if (command === 'list') {
    if (values.json) console.log(JSON.stringify(letters, null, 2));
    else if (letters.length === 0) console.log(`${topic} is empty.`);
    else
      for (const letter of letters)
        console.log(
          `${letter.partition}:${letter.offset}  ${letter.failedAt}  ${letter.eventType ?? '(unparsable)'} ${letter.eventId ?? ''}\n    from ${letter.originalTopic}[${letter.originalPartition}]@${letter.originalOffset} after ${letter.attempts} attempt(s): ${letter.reason}`,
        );
    return;
  }
  const wanted = values.all
    ? letters
    : letters.filter((letter) => (values.offsets ?? '').split(',').includes(`${letter.partition}:${letter.offset}`));
  if (wanted.length === 0)
    throw new Error('Nothing to replay: name letters with --offsets partition:offset (see `list`) or use --all.');
  const producer = createProducer(kafka);
  await producer.connect();
  try {
    console.log(`Replayed ${await replayDeadLetters(producer, wanted)} letter(s) to their original topics.`);
  } finally {
    await producer.disconnect();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
