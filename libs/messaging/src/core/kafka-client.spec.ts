import { LogEntry, logLevel } from 'kafkajs';
import { kafkajsLog, MessagingLogger } from './kafka-client';

function recorder() {
  const lines: Array<[keyof MessagingLogger, string]> = [];
  const logger = Object.fromEntries(
    (['debug', 'log', 'warn', 'error'] as const).map((level) => [
      level,
      (message: string) => lines.push([level, message]),
    ]),
  ) as unknown as MessagingLogger;
  return { logger, lines };
}

const entry = (namespace: string, message: string): LogEntry => ({
  namespace,
  level: logLevel.ERROR,
  label: 'ERROR',
  log: { timestamp: '2026-12-01T17:00:00.000Z', message, broker: '127.0.0.1:9092' },
});

describe('kafkajsLog', () => {
  it('keeps the protocol answers kafkajs retries itself at debug, and warns of the rest', () => {
    const { logger, lines } = recorder();
    const log = kafkajsLog(logger);
    log(entry('Connection', 'Response CreateTopics(key: 19, version: 3)'));
    log(entry('Connection', 'Connection error: connect ECONNREFUSED 127.0.0.1:9092'));
    log(entry('Consumer', 'Crash: KafkaJSNumberOfRetriesExceeded'));
    log(entry('Producer', 'Limiting retries for the idempotent producer to 1'));
    expect(lines).toEqual([
      ['debug', 'kafkajs: Response CreateTopics(key: 19, version: 3)'],
      ['warn', 'kafkajs: Connection error: connect ECONNREFUSED 127.0.0.1:9092'],
      ['warn', 'kafkajs: Crash: KafkaJSNumberOfRetriesExceeded'],
    ]);
  });
});
