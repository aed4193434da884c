import { Module } from '@nestjs/common';
import { AlertsController } from './alerts.controller';
import { ContributionLedger } from './contribution-ledger.service';
import { ForecastsService } from './forecasts.service';
import { ScopeChains } from './scope-chains.repository';
import { ScoreWriter } from './score-writer.service';
import { ScoresController } from './scores.controller';
import { ScoresService } from './scores.service';
import { ScoringEngine } from './scoring-engine.service';

/** The scoring engine and its parts, and the API that reads scores, their history, forecasts and alerts. */
@Module({
  controllers: [ScoresController, AlertsController],
  providers: [ScopeChains, ScoreWriter, ContributionLedger, ScoringEngine, ScoresService, ForecastsService],
  exports: [ScoringEngine, ContributionLedger, ScopeChains, ScoresService],
})
export class ScoringModule {}
