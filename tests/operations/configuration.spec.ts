import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { readEnv } from '@throughline/config';
import { serviceConfigSchema } from '@throughline/service-kit';
import { metricsEnvSchema } from '../../apps/metrics-service/src/metrics-service.config';

const root = join(__dirname, '../..');

/** Runs a service's real entry point (`serve`) and returns how it ended. */
function serve(entry: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry, 'serve'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('exit', (code) => done({ code, output }));
  });
}

describe('configuration refused at boot', () => {
  it('stops the metrics service with one sentence naming METRICS_TIME_PASS_INTERVAL_MS', async () => {
    const result = await serve('apps/metrics-service/src/main.ts', {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test',
      THROUGHLINE_DEV_AUTH: 'true',
      METRICS_TIME_PASS_INTERVAL_MS: 'abc',
    });
    expect(result.code).toBe(1);
    expect(result.output.trim()).toBe(
      'metrics-service: Invalid configuration: METRICS_TIME_PASS_INTERVAL_MS must be a whole number ≥ 0 (milliseconds), got "abc".',
    );
  }, 120_000);

  const valid = { DATABASE_URL: 'postgres://db/x', THROUGHLINE_DEV_AUTH: 'true' };
  it.each([
    [{ DATABASE_URL: '' }, 'DATABASE_URL is required'],
    [{ KAFKA_TOPIC_PARTITIONS: '0' }, 'KAFKA_TOPIC_PARTITIONS must be a whole number ≥ 1, got "0"'],
    [{ KAFKA_BROKERS: 'kafka' }, 'KAFKA_BROKERS must be host:port[,host:port…], got "kafka"'],
    [{ THROUGHLINE_DEV_AUTH: 'true', NODE_ENV: 'production' }, 'THROUGHLINE_DEV_AUTH must not be true when NODE_ENV'],
    [{ THROUGHLINE_DEV_AUTH: 'false' }, 'AUTH_ISSUER is required'],
    [{ THROUGHLINE_DEV_AUTH: 'false', AUTH_ISSUER: 'https://idp' }, 'AUTH_JWKS_URL (or AUTH_JWKS_JSON'],
    [{ METRICS_CLOCK: 'lunar' }, 'METRICS_CLOCK must be one of `system`, `manual`, got "lunar"'],
    [{ DB_POOL_SIZE: '-1' }, 'DB_POOL_SIZE must be a whole number from 1 to 1000, got "-1"'],
    [{ METRICS_MEMORY_MAX_ENTRIES: 'lots' }, 'METRICS_MEMORY_MAX_ENTRIES must be a whole number ≥ 0, got "lots"'],
  ])('refuses %o', (given, sentence) => {
    expect(() => readEnv(serviceConfigSchema(metricsEnvSchema), { ...valid, ...given })).toThrow(sentence);
  });

  it('accepts a complete configuration', () => {
    expect(readEnv(serviceConfigSchema(metricsEnvSchema), valid)).toMatchObject({
      DB_POOL_SIZE: 10,
      KAFKA_BROKERS: ['127.0.0.1:19092'],
      METRICS_TIME_PASS_INTERVAL_MS: 60_000,
      METRICS_MEMORY_MAX_ENTRIES: 250_000,
    });
  });
});
