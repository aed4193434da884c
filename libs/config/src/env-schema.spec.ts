import { z } from 'zod';
import { ConfigurationError, env, envDocs, readEnv } from './env-schema';

const schema = z.object({
  INTERVAL_MS: env.integer({ description: 'how often', default: 60_000, min: 0, unit: 'milliseconds' }),
  MODE: env.oneOf(['system', 'manual'], { description: 'which clock', default: 'system' }),
  BROKERS: env.list({ description: 'brokers', default: ['a:1'], item: /^[^:]+:\d+$/, allowed: 'host:port[,…]' }),
  URL: env.url({ description: 'database', protocols: ['postgres'], required: true }),
  ON: env.boolean({ description: 'switch', default: false }),
  CA_FILE: env.file({ description: 'a certificate' }),
});

describe('environment configuration', () => {
  it('reads typed values and applies defaults', () => {
    expect(
      readEnv(schema, {
        URL: 'postgres://db/x',
        INTERVAL_MS: '5000',
        BROKERS: 'k1:9092, k2:9092',
        CA_FILE: __filename,
      }),
    ).toEqual({
      INTERVAL_MS: 5000,
      MODE: 'system',
      BROKERS: ['k1:9092', 'k2:9092'],
      URL: 'postgres://db/x',
      ON: false,
      CA_FILE: __filename,
    });
  });

  it.each([
    [
      { INTERVAL_MS: 'abc' },
      'Invalid configuration: INTERVAL_MS must be a whole number ≥ 0 (milliseconds), got "abc".',
    ],
    [
      { INTERVAL_MS: '1.5' },
      'Invalid configuration: INTERVAL_MS must be a whole number ≥ 0 (milliseconds), got "1.5".',
    ],
    [{ MODE: 'fast' }, 'Invalid configuration: MODE must be one of `system`, `manual`, got "fast".'],
    [{ BROKERS: 'k1' }, 'Invalid configuration: BROKERS must be host:port[,…], got "k1".'],
    [{ ON: 'yes' }, 'Invalid configuration: ON must be `true` or `false`, got "yes".'],
    [{ URL: 'mysql://db' }, 'Invalid configuration: URL must be a URL (postgres), got "mysql://db".'],
    [{ URL: '' }, 'Invalid configuration: URL is required: a URL (postgres).'],
    [
      { CA_FILE: '/no/such/ca.pem' },
      'Invalid configuration: CA_FILE must be a path to a readable file, got "/no/such/ca.pem".',
    ],
    [{ CA_FILE: '/' }, 'Invalid configuration: CA_FILE must be a path to a readable file, got "/".'],
  ])('refuses %o in one sentence naming the variable', (given, sentence) => {
    const read = () => readEnv(schema, { URL: 'postgres://db/x', ...given });
    expect(read).toThrow(ConfigurationError);
    expect(read).toThrow(sentence);
  });

  it("takes libpq's Unix-socket form, user@ with no host, only where the field allows it", () => {
    const socket = 'postgres://app@/throughline?host=/run/postgresql';
    const sockets = z.object({
      URL: env.url({ description: 'database', protocols: ['postgres'], emptyHostAfterCredentials: true }),
    });
    expect(readEnv(sockets, { URL: socket })).toEqual({ URL: socket });
    expect(() => readEnv(sockets, { URL: 'mysql://app@/throughline' })).toThrow(ConfigurationError);
    expect(() => readEnv(schema, { URL: socket })).toThrow(`URL must be a URL (postgres), got "${socket}".`);
  });

  it('documents every variable', () => {
    expect(envDocs(schema).map(({ name, default: fallback }) => `${name}=${fallback}`)).toEqual([
      'INTERVAL_MS=60000',
      'MODE=system',
      'BROKERS=a:1',
      'URL=–',
      'ON=false',
      'CA_FILE=–',
    ]);
  });
});
