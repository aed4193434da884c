import { Module } from '@nestjs/common';
import { ScoringModule } from '../scoring/scoring.module';
import { ExecutionEventsHandler } from './execution-events.handler';
import { OrganisationEventsHandler } from './organisation-events.handler';
import { StrategyEventsHandler } from './strategy-events.handler';

/** The read models built from strategy's and execution's events; their @HandleEvent methods are found by the messaging library. */
@Module({
  imports: [ScoringModule],
  providers: [OrganisationEventsHandler, StrategyEventsHandler, ExecutionEventsHandler],
})
export class ReadModelsModule {}
