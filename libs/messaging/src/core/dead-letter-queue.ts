import { randomUUID } from 'node:crypto';
import { Kafka, KafkaMessage, Producer } from 'kafkajs';
import { DeadLetterHeaders } from './dead-letter';

export interface StoredDeadLetter {
  /** Where the letter sits in the dead-letter topic. */
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  originalTopic: string;
  originalPartition: number;
  originalOffset: string;
  reason: string;
  attempts: number;
  failedAt: string;
  eventId: string | null;
  eventType: string | null;
  headers: Record<string, string>;
}

function toLetter(partition: number, message: KafkaMessage): StoredDeadLetter {
  const headers = Object.fromEntries(
    Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
  );
  let eventId: string | null = headers.ce_id ?? null;
  let eventType: string | null = headers.ce_type ?? null;
  const value = message.value?.toString() ?? null;
  try {
    const parsed = value ? JSON.parse(value) : null;
    eventId ??= typeof parsed?.id === 'string' ? parsed.id : null;
    eventType ??= typeof parsed?.type === 'string' ? parsed.type : null;
  } catch {
    // Not JSON: that is usually why it is here.
  }
  return {
    partition,
    offset: message.offset,
    key: message.key?.toString() ?? null,
    value,
    originalTopic: headers[DeadLetterHeaders.originalTopic],
    originalPartition: Number(headers[DeadLetterHeaders.partition]),
    originalOffset: headers[DeadLetterHeaders.offset],
    reason: headers[DeadLetterHeaders.reason],
    attempts: Number(headers[DeadLetterHeaders.attempts]),
    failedAt: headers[DeadLetterHeaders.failedAt],
    eventId,
    eventType,
    headers,
  };
}

/** Reads a dead-letter topic from the beginning to its current end, without committing anything. */
export async function readDeadLetters(kafka: Kafka, topic: string, timeoutMs = 30_000): Promise<StoredDeadLetter[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const pending = new Map(
    ends.filter((end) => Number(end.high) > Number(end.low)).map((end) => [end.partition, Number(end.high) - 1]),
  );
  if (pending.size === 0) return [];
  const letters: StoredDeadLetter[] = [];
  const consumer = kafka.consumer({ groupId: `dlq-reader-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`Reading ${topic} did not finish within ${timeoutMs} ms`)),
        timeoutMs,
      );
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const last = pending.get(partition);
            if (last === undefined || Number(message.offset) > last) return;
            letters.push(toLetter(partition, message));
            if (Number(message.offset) === last) pending.delete(partition);
            if (pending.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return letters.sort(
    (a, b) => a.failedAt.localeCompare(b.failedAt) || a.partition - b.partition || Number(a.offset) - Number(b.offset),
  );
}

/**
 * Sends letters back to the topics they came from, unchanged (same key, same event id),
 * once whatever made them fail is fixed. Consumers that already handled one skip it.
 */
export async function replayDeadLetters(producer: Producer, letters: StoredDeadLetter[]): Promise<number> {
  for (const letter of letters) {
    const headers = Object.fromEntries(Object.entries(letter.headers).filter(([name]) => !name.startsWith('dlt-')));
    await producer.send({
      topic: letter.originalTopic,
      acks: -1,
      messages: [
        {
          key: letter.key,
          value: letter.value,
          headers: {
            ...headers,
            'dlt-replayed-at': new Date().toISOString(),
            'dlt-replayed-from': `${letter.partition}:${letter.offset}`,
          },
        },
      ],
    });
  }
  return letters.length;
}
