import { ConfigurationError } from '@throughline/config';
import { messagingConfigFromEnv } from './messaging-config';

describe('Kafka connection settings', () => {
  // Any readable file stands in for a PEM file: only its presence is checked at boot.
  const file = __filename;

  it('connects in plaintext without credentials unless told otherwise', () => {
    const config = messagingConfigFromEnv('probe', {});
    expect(config.tls).toBeUndefined();
    expect(config.sasl).toBeUndefined();
  });

  it('reads an OAuth client for OAUTHBEARER', () => {
    const config = messagingConfigFromEnv('probe', {
      KAFKA_SASL_MECHANISM: 'oauthbearer',
      KAFKA_SASL_USERNAME: 'client',
      KAFKA_SASL_PASSWORD: 'secret',
      KAFKA_SASL_OAUTHBEARER_TOKEN_URL: 'https://login.example.com/token',
      KAFKA_SASL_OAUTHBEARER_SCOPE: 'kafka',
      KAFKA_SASL_OAUTHBEARER_EXTENSIONS: 'logicalCluster=lkc-12345,identityPoolId=pool-Ab=1',
    });
    expect(config.sasl).toEqual({
      mechanism: 'oauthbearer',
      username: 'client',
      password: 'secret',
      tokenUrl: 'https://login.example.com/token',
      scope: 'kafka',
      extensions: { logicalCluster: 'lkc-12345', identityPoolId: 'pool-Ab=1' },
    });
  });

  it('reads TLS files and SASL credentials', () => {
    const config = messagingConfigFromEnv('probe', {
      KAFKA_TLS: 'true',
      KAFKA_TLS_CA_FILE: file,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'svc',
      KAFKA_SASL_PASSWORD: 'secret',
    });
    expect(config.tls?.ca).toContain('Kafka connection settings');
    expect(config.tls?.cert).toBeUndefined();
    expect(config.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'svc', password: 'secret' });
    // TLS with the system's CAs (Confluent Cloud, MSK with public certificates).
    expect(messagingConfigFromEnv('probe', { KAFKA_TLS: 'true' }).tls).toEqual({});
  });

  it('creates topics replicated three times in production, kept forever', () => {
    expect(messagingConfigFromEnv('probe', { NODE_ENV: 'production' }).topics).toEqual({
      replicationFactor: 3,
      minInsyncReplicas: 2,
      eventRetentionMs: -1,
    });
    expect(messagingConfigFromEnv('probe', {}).topics).toMatchObject({ replicationFactor: 1, minInsyncReplicas: 1 });
  });

  it.each([
    [
      { KAFKA_TOPIC_REPLICATION_FACTOR: '2', KAFKA_TOPIC_MIN_INSYNC_REPLICAS: '3' },
      'KAFKA_TOPIC_MIN_INSYNC_REPLICAS must not exceed the replication factor (2)',
    ],
    [{ KAFKA_EVENT_RETENTION_MS: '0' }, 'KAFKA_EVENT_RETENTION_MS must be -1 (forever) or a positive duration.'],
    [{ KAFKA_TLS_CA_FILE: file }, 'KAFKA_TLS must be true when KAFKA_TLS_CA_FILE is set.'],
    [{ KAFKA_TLS: 'true', KAFKA_TLS_CERT_FILE: file }, 'KAFKA_TLS_KEY_FILE is required with KAFKA_TLS_CERT_FILE.'],
    [{ KAFKA_TLS: 'true', KAFKA_TLS_CA_FILE: '/no/ca.pem' }, 'KAFKA_TLS_CA_FILE must be a path to a readable file'],
    [{ KAFKA_SASL_MECHANISM: 'scram-sha-1' }, 'KAFKA_SASL_MECHANISM must be one of `plain`, `scram-sha-256`'],
    [{ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'svc' }, 'KAFKA_SASL_PASSWORD is required with'],
    [{ KAFKA_SASL_PASSWORD: 'secret' }, 'KAFKA_SASL_MECHANISM is required when a SASL user name or password is set.'],
    [
      { NODE_ENV: 'production', KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'a', KAFKA_SASL_PASSWORD: 'b' },
      'KAFKA_TLS must be true with KAFKA_SASL_MECHANISM=plain when NODE_ENV=production',
    ],
    [
      { KAFKA_SASL_MECHANISM: 'oauthbearer', KAFKA_SASL_USERNAME: 'client', KAFKA_SASL_PASSWORD: 'secret' },
      'KAFKA_SASL_OAUTHBEARER_TOKEN_URL is required with KAFKA_SASL_MECHANISM=oauthbearer.',
    ],
    [
      { KAFKA_SASL_OAUTHBEARER_EXTENSIONS: 'logicalCluster' },
      'KAFKA_SASL_OAUTHBEARER_EXTENSIONS must be `key=value` pairs separated by commas',
    ],
    [
      { KAFKA_SASL_OAUTHBEARER_TOKEN_URL: 'https://login.example.com/token' },
      'KAFKA_SASL_MECHANISM must be oauthbearer when KAFKA_SASL_OAUTHBEARER_TOKEN_URL is set.',
    ],
  ])('refuses %o naming the variable', (given, sentence) => {
    const read = () => messagingConfigFromEnv('probe', given);
    expect(read).toThrow(ConfigurationError);
    expect(read).toThrow(`Invalid configuration: ${sentence}`);
  });
});
