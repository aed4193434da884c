import { IHeaders, KafkaMessage, Producer } from 'kafkajs';

export interface DeadLetter {
  originalTopic: string;
  partition: number;
  offset: string;
  message: KafkaMessage;
  reason: string;
  attempts: number;
}

/** Header names on dead-lettered messages; the DLQ command reads them back. */
export const DeadLetterHeaders = {
  originalTopic: 'dlt-original-topic',
  partition: 'dlt-original-partition',
  offset: 'dlt-original-offset',
  reason: 'dlt-reason',
  attempts: 'dlt-attempts',
  consumerGroup: 'dlt-consumer-group',
  failedAt: 'dlt-failed-at',
} as const;

/** Parks a message that cannot be processed, with why and where it came from, so the partition moves on. */
export class DeadLetterPublisher {
  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
    private readonly consumerGroup: string,
  ) {}

  get deadLetterTopic(): string {
    return this.topic;
  }

  async publish(letter: DeadLetter): Promise<void> {
    const headers: IHeaders = {
      ...letter.message.headers,
      [DeadLetterHeaders.originalTopic]: letter.originalTopic,
      [DeadLetterHeaders.partition]: String(letter.partition),
      [DeadLetterHeaders.offset]: letter.offset,
      [DeadLetterHeaders.reason]: letter.reason.slice(0, 4000),
      [DeadLetterHeaders.attempts]: String(letter.attempts),
      [DeadLetterHeaders.consumerGroup]: this.consumerGroup,
      [DeadLetterHeaders.failedAt]: new Date().toISOString(),
    };
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: [{ key: letter.message.key, value: letter.message.value, headers }],
    });
  }
}
