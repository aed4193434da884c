import { Module } from '@nestjs/common';
import { CreateTasksWhenGoalActivated } from './create-tasks-when-goal-activated.handler';
import { TasksController } from './tasks.controller';
import { TasksService } from './tasks.service';

@Module({ controllers: [TasksController], providers: [TasksService, CreateTasksWhenGoalActivated] })
export class TasksModule {}
