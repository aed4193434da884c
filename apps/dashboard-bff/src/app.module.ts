import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConnectionDraining, dataSourceOptions, databaseEnv } from '@throughline/service-kit';
import { AuthController } from './auth/auth.controller';
import { OidcClient } from './auth/oidc-client';
import { PersonDirectory } from './auth/person-directory';
import { SessionAccess } from './auth/session-access.service';
import { BFF_SETTINGS, DashboardBffEnv } from './dashboard-bff.config';
import { bffDatabase } from './database/bff-database';
import { HealthController } from './health/health.controller';
import { LiveController } from './live/live.controller';
import { LiveFeed } from './live/live-feed.service';
import { ProxyController } from './proxy/proxy.controller';
import { SessionsService } from './sessions/sessions.service';

/** The dashboard's backend-for-frontend: sign-in, sessions, the API proxy and the live stream. */
@Module({})
export class AppModule {
  static forRoot(settings: DashboardBffEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [TypeOrmModule.forRoot(dataSourceOptions(bffDatabase, databaseEnv()))],
      controllers: [AuthController, HealthController, LiveController, ProxyController],
      providers: [
        { provide: BFF_SETTINGS, useValue: settings },
        OidcClient,
        PersonDirectory,
        SessionsService,
        SessionAccess,
        LiveFeed,
        ConnectionDraining,
      ],
    };
  }
}
