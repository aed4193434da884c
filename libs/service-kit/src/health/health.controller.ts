import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
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
  @ApiOperation({ summary: 'Liveness: the process runs and serves HTTP.' })
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @ApiOperation({
    summary: 'Readiness: PostgreSQL answers, the Kafka broker answers, the relay publishes and the consumer runs.',
  })
  @HealthCheck()
  ready() {
    return this.health.check([() => this.database.pingCheck('database', { timeout: 2000 }), () => this.kafkaCheck()]);
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
