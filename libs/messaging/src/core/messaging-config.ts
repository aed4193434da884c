export interface MessagingConfig {
  brokers: string[];
  /** Prepended to every topic name (isolates tests and environments on one broker). */
  topicPrefix: string;
  /** Partitions of topics the services create; the unit of consumer scale-out. */
  topicPartitions: number;
  clientId: string;
  /** Overrides the consumer group (default: prefix + service name), e.g. for a rebuild beside the live one. */
  consumerGroup?: string;
}

export function messagingConfigFromEnv(clientId: string, env: NodeJS.ProcessEnv = process.env): MessagingConfig {
  // The default is the broker `npm start` runs.
  const brokers = (env.KAFKA_BROKERS ?? '127.0.0.1:19092')
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
  const topicPartitions = Number(env.KAFKA_TOPIC_PARTITIONS ?? 6);
  if (!Number.isInteger(topicPartitions) || topicPartitions < 1)
    throw new Error(`KAFKA_TOPIC_PARTITIONS must be a positive integer, got ${env.KAFKA_TOPIC_PARTITIONS}`);
  return {
    brokers,
    topicPrefix: env.KAFKA_TOPIC_PREFIX ?? '',
    topicPartitions,
    clientId,
    consumerGroup: env.KAFKA_CONSUMER_GROUP || undefined,
  };
}
