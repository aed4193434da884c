import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorFunction,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import { Kafka } from 'kafkajs';
import { KAFKA, MessagingRuntime, OutboxRelay } from '@throughline/messaging';
import { Public } from '../auth/auth.guard';

@ApiTags('health')
@Public()
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly database: TypeOrmHealthIndicator,
    @Inject(KAFKA) private readonly kafka: Kafka,
    private readonly relay: OutboxRelay,
    private readonly runtime: MessagingRuntime,
  ) {}

  @Get('live')
  @ApiOperation({
    summary:
      'Liveness (and the startup probe): the process runs and serves HTTP. HTTP is served only once start-up is complete.',
  })
  @HealthCheck()
  live() {
    return this.check([]);
  }

  /**
   * Writes need only PostgreSQL (their events wait in the outbox), so a broker outage must not
   * take every instance out of service: Kafka's state is reported here but does not fail it.
   */
  @Get('ready')
  @ApiOperation({
    summary:
      'Readiness: PostgreSQL answers. Kafka is reported (`kafka.degraded`) but not required: writes go to the outbox and are published when the broker is back.',
  })
  @HealthCheck()
  ready() {
    return this.check([
      () => this.database.pingCheck('database', { timeout: 2000 }),
      async () => {
        const kafka = await this.kafkaCheck();
        const { status, ...details } = kafka.kafka;
        return this.indicators.check('kafka').up({ degraded: status !== 'up', ...details });
      },
    ]);
  }

  @Get('kafka')
  @ApiOperation({
    summary:
      'Messaging: the Kafka broker answers, the relay publishes and the consumer runs (503 otherwise), for alerting.',
  })
  @HealthCheck()
  messaging() {
    return this.check([() => this.kafkaCheck()]);
  }

  /** A failed check answers 503 problem+json whose detail names each failing check and why, for whoever is paged. */
  private async check(indicators: HealthIndicatorFunction[]): Promise<HealthCheckResult> {
    try {
      return await this.health.check(indicators);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as Partial<HealthCheckResult>;
      if (result.status === 'shutting_down') throw new ServiceUnavailableException('Shutting down.');
      const failed = result.error ?? {};
      const reasons = Object.entries(failed).map(([name, result]) => `${name}: ${result?.message ?? 'down'}`);
      throw new ServiceUnavailableException(`Unhealthy: ${reasons.join('; ')}.`);
    }
  }

  private async kafkaCheck() {
    const indicator = this.indicators.check('kafka');
    const problem = this.relay.error?.message ?? this.runtime.eventConsumer?.crashError?.message;
    if (problem) return indicator.down({ message: problem });
    const admin = this.kafka.admin({ retry: { retries: 0 } });
    try {
      await withTimeout(
        admin.connect().then(() => admin.describeCluster()),
        2000,
      );
      return indicator.up({ backlog: await this.relay.backlog() });
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref()),
  ]);
}
