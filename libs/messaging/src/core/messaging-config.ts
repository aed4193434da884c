import { readFileSync } from 'node:fs';
import { configurationError, env, EnvOf, EnvProblem, readEnv, runtimeEnvSchema } from '@throughline/config';
import { z } from 'zod';
import { FaultPlan, faultPlan } from './fault-injection';

const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512', 'oauthbearer'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

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
  KAFKA_TOPIC_REPLICATION_FACTOR: env.integer({
    description: 'replicas of each topic the services create',
    defaultText: '3 when `NODE_ENV=production`, else 1',
    min: 1,
  }),
  KAFKA_TOPIC_MIN_INSYNC_REPLICAS: env.integer({
    description:
      '`min.insync.replicas` of those topics: replicas that must have a write before it is acknowledged (`acks=all`)',
    defaultText: 'replication factor − 1, at least 1',
    min: 1,
  }),
  KAFKA_EVENT_RETENTION_MS: env.integer({
    description:
      '`retention.ms` of the event and dead-letter topics the services create; -1 keeps them forever, as rebuilds from the topics need',
    default: -1,
    min: -1,
    unit: 'ms',
  }),
  KAFKA_CONSUMER_GROUP: env.string({
    description: 'overrides the consumer group (e.g. a replay beside the live one)',
    defaultText: 'prefix + service name',
    pattern: /^[A-Za-z0-9._-]{1,200}$/,
    allowed: 'letters, digits, `.`, `_`, `-`',
  }),
  KAFKA_TLS: env.boolean({
    description: 'connect to the brokers over TLS (managed Kafka: MSK, Confluent Cloud, Aiven …)',
    default: false,
  }),
  KAFKA_TLS_CA_FILE: env.file({
    description: "PEM file of the CA(s) that signed the brokers' certificates",
    defaultText: "the system's trusted CAs",
  }),
  KAFKA_TLS_CERT_FILE: env.file({
    description: 'PEM client certificate, for brokers that authenticate clients by certificate (mutual TLS)',
  }),
  KAFKA_TLS_KEY_FILE: env.file({ description: 'PEM private key of `KAFKA_TLS_CERT_FILE`' }),
  KAFKA_SASL_MECHANISM: env.oneOf(SASL_MECHANISMS, {
    description: 'SASL authentication towards the brokers; none when unset',
  }),
  KAFKA_SASL_USERNAME: env.string({ description: 'SASL user name (with `oauthbearer`: the OAuth client id)' }),
  KAFKA_SASL_PASSWORD: env.string({
    description: 'SASL password (with `oauthbearer`: the OAuth client secret); put it in a Secret',
  }),
  KAFKA_SASL_OAUTHBEARER_TOKEN_URL: env.url({
    description:
      'OAuth 2.0 token endpoint for `oauthbearer`: tokens come from its client-credentials grant and are renewed before they expire',
    protocols: ['http', 'https'],
  }),
  KAFKA_SASL_OAUTHBEARER_EXTENSIONS: env.string({
    description:
      'SASL extensions sent with `oauthbearer` tokens, e.g. Confluent Cloud’s `logicalCluster=lkc-…,identityPoolId=pool-…`',
    pattern: /^[A-Za-z]+=[\x21-\x2B\x2D-\x7E]+(,[A-Za-z]+=[\x21-\x2B\x2D-\x7E]+)*$/,
    allowed: '`key=value` pairs separated by commas (keys of letters, values of printable characters)',
  }),
  KAFKA_SASL_OAUTHBEARER_SCOPE: env.string({
    description: 'scope asked for with `oauthbearer` tokens, if the provider wants one',
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
  /** How the services create their topics. */
  topics: TopicConfig;
  /** Overrides the consumer group (default: prefix + service name), e.g. for a rebuild beside the live one. */
  consumerGroup?: string;
  /** TLS towards the brokers: PEM contents of the configured files (none: the system's CAs, no client certificate). */
  tls?: { ca?: string; cert?: string; key?: string };
  /** With `oauthbearer`, the user name and password are the OAuth client's id and secret. */
  sasl?: {
    mechanism: SaslMechanism;
    username: string;
    password: string;
    tokenUrl?: string;
    scope?: string;
    extensions?: Record<string, string>;
  };
  /** Deliberate crashes for the fault-injection suite (never in production). */
  faults: FaultPlan;
}

export interface TopicConfig {
  replicationFactor: number;
  minInsyncReplicas: number;
  /** -1: forever. */
  eventRetentionMs: number;
}

function topicConfig(settings: KafkaEnv): TopicConfig {
  const replicationFactor = settings.KAFKA_TOPIC_REPLICATION_FACTOR ?? (settings.NODE_ENV === 'production' ? 3 : 1);
  return {
    replicationFactor,
    minInsyncReplicas: settings.KAFKA_TOPIC_MIN_INSYNC_REPLICAS ?? Math.max(1, replicationFactor - 1),
    eventRetentionMs: settings.KAFKA_EVENT_RETENTION_MS,
  };
}

/** Rules between the Kafka variables, checked with the rest of a service's configuration at boot. */
export function kafkaEnvProblems(settings: KafkaEnv): EnvProblem[] {
  const problems: EnvProblem[] = [];
  const topics = topicConfig(settings);
  if (topics.minInsyncReplicas > topics.replicationFactor)
    problems.push({
      variable: 'KAFKA_TOPIC_MIN_INSYNC_REPLICAS',
      message: `must not exceed the replication factor (${topics.replicationFactor}): no write could be acknowledged`,
    });
  if (settings.KAFKA_EVENT_RETENTION_MS === 0)
    problems.push({ variable: 'KAFKA_EVENT_RETENTION_MS', message: 'must be -1 (forever) or a positive duration' });
  const tlsFiles = (['KAFKA_TLS_CA_FILE', 'KAFKA_TLS_CERT_FILE', 'KAFKA_TLS_KEY_FILE'] as const).filter(
    (name) => settings[name],
  );
  if (tlsFiles.length > 0 && !settings.KAFKA_TLS)
    problems.push({ variable: 'KAFKA_TLS', message: `must be true when ${tlsFiles[0]} is set` });
  if (settings.KAFKA_TLS_CERT_FILE && !settings.KAFKA_TLS_KEY_FILE)
    problems.push({ variable: 'KAFKA_TLS_KEY_FILE', message: 'is required with KAFKA_TLS_CERT_FILE' });
  if (settings.KAFKA_TLS_KEY_FILE && !settings.KAFKA_TLS_CERT_FILE)
    problems.push({ variable: 'KAFKA_TLS_CERT_FILE', message: 'is required with KAFKA_TLS_KEY_FILE' });
  if (settings.KAFKA_SASL_MECHANISM) {
    for (const name of ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'] as const)
      if (!settings[name]) problems.push({ variable: name, message: 'is required with KAFKA_SASL_MECHANISM' });
    if (settings.KAFKA_SASL_MECHANISM === 'oauthbearer' && !settings.KAFKA_SASL_OAUTHBEARER_TOKEN_URL)
      problems.push({
        variable: 'KAFKA_SASL_OAUTHBEARER_TOKEN_URL',
        message: 'is required with KAFKA_SASL_MECHANISM=oauthbearer',
      });
    if (settings.KAFKA_SASL_MECHANISM === 'plain' && !settings.KAFKA_TLS && settings.NODE_ENV === 'production')
      problems.push({
        variable: 'KAFKA_TLS',
        message:
          'must be true with KAFKA_SASL_MECHANISM=plain when NODE_ENV=production (PLAIN sends the password as is)',
      });
  } else if (settings.KAFKA_SASL_USERNAME || settings.KAFKA_SASL_PASSWORD)
    problems.push({
      variable: 'KAFKA_SASL_MECHANISM',
      message: 'is required when a SASL user name or password is set',
    });
  for (const name of [
    'KAFKA_SASL_OAUTHBEARER_TOKEN_URL',
    'KAFKA_SASL_OAUTHBEARER_SCOPE',
    'KAFKA_SASL_OAUTHBEARER_EXTENSIONS',
  ] as const)
    if (settings[name] && settings.KAFKA_SASL_MECHANISM !== 'oauthbearer')
      problems.push({ variable: 'KAFKA_SASL_MECHANISM', message: `must be oauthbearer when ${name} is set` });
  return problems;
}

export function messagingConfig(clientId: string, settings: KafkaEnv): MessagingConfig {
  const [problem] = kafkaEnvProblems(settings);
  if (problem) throw configurationError(problem);
  const read = (file: string | undefined) => (file ? readFileSync(file, 'utf8') : undefined);
  return {
    brokers: settings.KAFKA_BROKERS,
    topicPrefix: settings.KAFKA_TOPIC_PREFIX,
    topicPartitions: settings.KAFKA_TOPIC_PARTITIONS,
    topics: topicConfig(settings),
    clientId,
    consumerGroup: settings.KAFKA_CONSUMER_GROUP || undefined,
    tls: settings.KAFKA_TLS
      ? {
          ca: read(settings.KAFKA_TLS_CA_FILE),
          cert: read(settings.KAFKA_TLS_CERT_FILE),
          key: read(settings.KAFKA_TLS_KEY_FILE),
        }
      : undefined,
    sasl: settings.KAFKA_SASL_MECHANISM
      ? {
          mechanism: settings.KAFKA_SASL_MECHANISM,
          username: settings.KAFKA_SASL_USERNAME!,
          password: settings.KAFKA_SASL_PASSWORD!,
          ...(settings.KAFKA_SASL_MECHANISM === 'oauthbearer'
            ? {
                tokenUrl: settings.KAFKA_SASL_OAUTHBEARER_TOKEN_URL,
                scope: settings.KAFKA_SASL_OAUTHBEARER_SCOPE,
                extensions: saslExtensions(settings.KAFKA_SASL_OAUTHBEARER_EXTENSIONS),
              }
            : {}),
        }
      : undefined,
    faults: faultPlan(settings.THROUGHLINE_FAULTS, settings.NODE_ENV === 'production'),
  };
}

/** `key=value,key=value` as an object (the pattern above has already checked the form). */
function saslExtensions(text: string | undefined): Record<string, string> | undefined {
  if (!text) return undefined;
  return Object.fromEntries(
    text.split(',').map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
}

/** For tools that run outside a service (rebuild, DLQ): the same variables, validated the same way. */
export function messagingConfigFromEnv(clientId: string, source: NodeJS.ProcessEnv = process.env): MessagingConfig {
  return messagingConfig(clientId, readEnv(kafkaEnvSchema, source));
}
