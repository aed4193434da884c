import { env, EnvOf, readEnv, runtimeEnvSchema } from '@throughline/config';
import { z } from 'zod';
import { FaultPlan, faultPlan } from './fault-injection';

/** The variables the messaging library reads; part of every service's configuration. */
export const kafkaEnvSchema = z.object({
  ...runtimeEnvSchema.shape,
  KAFKA_BROKERS: env.list({
    description: 'comma-separated bootstrap brokers (`npm start` starts one when unset)',
    default: ['127.0.0.1:19092'],
    item: /^[^\s:,]+:\d{1,5}$/,
    allowed: 'host:port[,host:port…]',
  }),
  KAFKA_TOPIC_PREFIX: env.string({
    description: 'prefix for every topic (tests isolate themselves with it)',
    default: '',
    defaultText: 'empty',
    pattern: /^[A-Za-z0-9._-]{0,100}$/,
    allowed: 'letters, digits, `.`, `_`, `-`',
  }),
  KAFKA_TOPIC_PARTITIONS: env.integer({
    description: 'partitions of the topics the services create (the unit of scale-out)',
    default: 6,
    min: 1,
  }),
  KAFKA_CONSUMER_GROUP: env.string({
    description: 'overrides the consumer group (e.g. a replay beside the live one)',
    defaultText: 'prefix + service name',
    pattern: /^[A-Za-z0-9._-]{1,200}$/,
    allowed: 'letters, digits, `.`, `_`, `-`',
  }),
  THROUGHLINE_FAULTS: env.string({
    description:
      'fault injection for tests (`relay-kill-after-publish=N`, `consumer-kill-after-commit=N`); refused in production',
    allowed: 'comma-separated `name=N`',
  }),
});
export type KafkaEnv = EnvOf<typeof kafkaEnvSchema>;

export interface MessagingConfig {
  brokers: string[];
  /** Prepended to every topic name (isolates tests and environments on one broker). */
  topicPrefix: string;
  /** Partitions of topics the services create; the unit of consumer scale-out. */
  topicPartitions: number;
  clientId: string;
  /** Overrides the consumer group (default: prefix + service name), e.g. for a rebuild beside the live one. */
  consumerGroup?: string;
  /** Deliberate crashes for the fault-injection suite (never in production). */
  faults: FaultPlan;
}

export function messagingConfig(clientId: string, settings: KafkaEnv): MessagingConfig {
  return {
    brokers: settings.KAFKA_BROKERS,
    topicPrefix: settings.KAFKA_TOPIC_PREFIX,
    topicPartitions: settings.KAFKA_TOPIC_PARTITIONS,
    clientId,
    consumerGroup: settings.KAFKA_CONSUMER_GROUP || undefined,
    faults: faultPlan(settings.THROUGHLINE_FAULTS, settings.NODE_ENV === 'production'),
  };
}

/** For tools that run outside a service (rebuild, DLQ): the same variables, validated the same way. */
export function messagingConfigFromEnv(clientId: string, source: NodeJS.ProcessEnv = process.env): MessagingConfig {
  return messagingConfig(clientId, readEnv(kafkaEnvSchema, source));
}
