import { Module } from '@nestjs/common';
import { Topics } from '@throughline/contracts';
import { MessagingModule } from '@throughline/messaging';
import { ServiceKitModule } from '@throughline/service-kit';
import { executionDatabase } from './database/execution-database';
import { GoalsModule } from './goals/goals.module';
import { KeyResultsModule } from './key-results/key-results.module';
import { PeopleModule } from './people/people.module';
import { TasksModule } from './tasks/tasks.module';

@Module({
  imports: [
    ServiceKitModule.forRoot({ database: executionDatabase }),
    MessagingModule.forRoot({ serviceName: 'execution-service', publishes: [Topics.Tasks] }),
    GoalsModule,
    PeopleModule,
    TasksModule,
    KeyResultsModule,
  ],
})
export class AppModule {}
