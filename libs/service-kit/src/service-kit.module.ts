import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AUTH_CONFIG, AuthGuard } from './auth/auth.guard';
import { authConfigFromEnv } from './auth/auth-config';
import { dataSourceOptions, ServiceDatabase } from './database/database-options';
import { HealthController } from './health/health.controller';
import { PrometheusController } from './observability/prometheus';

export interface ServiceKitOptions {
  database: ServiceDatabase;
}

/** What every service has: its database, bearer-token authentication, health and Prometheus endpoints. */
@Module({})
export class ServiceKitModule {
  static forRoot(options: ServiceKitOptions): DynamicModule {
    return {
      module: ServiceKitModule,
      imports: [TypeOrmModule.forRootAsync({ useFactory: () => dataSourceOptions(options.database) }), TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController, PrometheusController],
      providers: [
        { provide: AUTH_CONFIG, useFactory: () => authConfigFromEnv() },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
    };
  }
}
