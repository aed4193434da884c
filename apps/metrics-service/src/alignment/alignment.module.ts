import { Module } from '@nestjs/common';
import { ProjectEventsHandler } from '../read-models/project-events.handler';
import { AlignmentService } from './alignment.service';
import { ScoresController } from './scores.controller';

@Module({ controllers: [ScoresController], providers: [AlignmentService, ProjectEventsHandler] })
export class AlignmentModule {}
