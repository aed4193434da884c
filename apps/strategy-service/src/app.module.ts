import { Module } from '@nestjs/common';
import { Topics } from '@throughline/contracts';
import { MessagingModule } from '@throughline/messaging';
import { ServiceKitModule } from '@throughline/service-kit';
import { strategyDatabase } from './database/strategy-database';
import { GoalsModule } from './goals/goals.module';

@Module({
  imports: [
    ServiceKitModule.forRoot({ database: strategyDatabase }),
    MessagingModule.forRoot({ serviceName: 'strategy-service', publishes: [Topics.Organisation, Topics.Goals] }),
    GoalsModule,
  ],
})
export class AppModule {}
