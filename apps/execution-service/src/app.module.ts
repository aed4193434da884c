import { Module } from '@nestjs/common';
import { Topics } from '@throughline/contracts';
import { MessagingModule } from '@throughline/messaging';
import { ServiceKitModule } from '@throughline/service-kit';
import { executionDatabase } from './database/execution-database';
import { TasksModule } from './tasks/tasks.module';

@Module({
  imports: [ServiceKitModule.forRoot({ database: executionDatabase }), MessagingModule.forRoot({ serviceName: 'execution-service', publishes: [Topics.Tasks] }), TasksModule],
})
export class AppModule {}
