import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EVENT_CONTEXT_SOURCE, EventContextSource } from '@throughline/messaging';
import { AuditController } from './audit/audit.controller';
import { AUTH_CONFIG, AuthGuard } from './auth/auth.guard';
import { authConfigFromEnv } from './auth/auth-config';
import { dataSourceOptions, ServiceDatabase } from './database/database-options';
import { HealthController } from './health/health.controller';
import { currentRequestContext } from './http/correlation-id';
import { CallerThrottlerGuard, rateLimitPerMinute } from './http/rate-limit';
import { PrometheusController } from './observability/prometheus';

export interface ServiceKitOptions {
  database: ServiceDatabase;
}

const eventContextFromRequest: EventContextSource = () => ({ actorId: currentRequestContext()?.actor?.personId });

/**
 * What every service has: its database, bearer-token authentication then per-caller rate
 * limiting (guards run in this order), health, Prometheus metrics and the audit trail.
 */
@Global()
@Module({})
export class ServiceKitModule {
  static forRoot(options: ServiceKitOptions): DynamicModule {
    return {
      module: ServiceKitModule,
      imports: [
        TypeOrmModule.forRootAsync({ useFactory: () => dataSourceOptions(options.database) }),
        TerminusModule.forRoot({ logger: false }),
        ThrottlerModule.forRootAsync({ useFactory: () => [{ ttl: 60_000, limit: rateLimitPerMinute() }] }),
      ],
      controllers: [HealthController, PrometheusController, AuditController],
      providers: [
        { provide: AUTH_CONFIG, useFactory: () => authConfigFromEnv() },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: CallerThrottlerGuard },
        { provide: EVENT_CONTEXT_SOURCE, useValue: eventContextFromRequest },
      ],
      exports: [EVENT_CONTEXT_SOURCE],
    };
  }
}
