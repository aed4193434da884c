import { DynamicModule, Global, Module, Type } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EnvSchema, envSlice } from '@throughline/config';
import { EVENT_CONTEXT_SOURCE, EventContextSource } from '@throughline/messaging';
import { AuditController } from './audit/audit.controller';
import { AuthGuard } from './auth/auth.guard';
import { AUTH_CONFIG, DirectoryIdentityResolver, IDENTITY_RESOLVER, IdentityResolver } from './auth/identity';
import { authConfig, authEnvSchema } from './auth/auth-config';
import { httpEnvSchema, serviceConfigModule } from './config/service-config';
import { databaseEnvSchema, dataSourceOptions, ServiceDatabase } from './database/database-options';
import { HealthController } from './health/health.controller';
import { ConnectionDraining } from './http/connection-draining';
import { currentRequestContext } from './http/correlation-id';
import { CallerThrottlerGuard, HitWindows } from './http/rate-limit';
import { loggingModule } from './observability/logging';
import { PrometheusController } from './observability/prometheus';
import { TracingFlushOnShutdown } from './observability/tracing';

export interface ServiceKitOptions {
  database: ServiceDatabase;
  /** The service's own variables, validated with the shared ones. */
  config?: EnvSchema;
  /** How identity-provider tokens become people: the service owning the person directory looks them up itself; the others ask it. */
  identityResolver?: Type<IdentityResolver>;
}

const eventContextFromRequest: EventContextSource = () => ({ actorId: currentRequestContext()?.actor?.personId });

/**
 * What every service has: its validated configuration (ConfigService), its database, bearer-token authentication then per-caller rate
 * limiting (guards run in this order), health, Prometheus metrics and the audit trail.
 */
@Global()
@Module({})
export class ServiceKitModule {
  static forRoot(options: ServiceKitOptions): DynamicModule {
    return {
      module: ServiceKitModule,
      imports: [
        serviceConfigModule(options.config),
        loggingModule(),
        TypeOrmModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService) =>
            dataSourceOptions(options.database, envSlice(databaseEnvSchema, config)),
        }),
        TerminusModule.forRoot({ logger: false }),
        ThrottlerModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            throttlers: [{ ttl: 60_000, limit: envSlice(httpEnvSchema, config).RATE_LIMIT_PER_MINUTE }],
            storage: new HitWindows(),
          }),
        }),
      ],
      controllers: [HealthController, PrometheusController, AuditController],
      providers: [
        {
          provide: AUTH_CONFIG,
          inject: [ConfigService],
          useFactory: (config: ConfigService) => authConfig(envSlice(authEnvSchema, config)),
        },
        { provide: IDENTITY_RESOLVER, useClass: options.identityResolver ?? DirectoryIdentityResolver },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: CallerThrottlerGuard },
        { provide: EVENT_CONTEXT_SOURCE, useValue: eventContextFromRequest },
        TracingFlushOnShutdown,
        ConnectionDraining,
      ],
      exports: [EVENT_CONTEXT_SOURCE],
    };
  }
}
