import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Actor, ApiProblems, CurrentActor, notFound, Page } from '@throughline/service-kit';
import { ScopeKind } from './alignment-formula';
import { ForecastAsOfQueryDto, ForecastView } from './dto/forecast.dto';
import { ForecastsService } from './forecasts.service';
import {
  ScoreAsOfQueryDto,
  ScoreCompareQueryDto,
  ScoreComparisonView,
  ScoreHistoryPage,
  ScoreHistoryQueryDto,
  ScoreListQueryDto,
  ScorePage,
  ScorePointView,
  ScoreView,
} from './dto/score.dto';
import { ScoresService } from './scores.service';

const PATH_SCOPES: Record<string, ScopeKind> = { goals: 'goal', managers: 'manager', 'org-units': 'org_unit' };

@ApiTags('scores')
@ApiBearerAuth()
@Controller('v1/scores')
export class ScoresController {
  constructor(
    private readonly scores: ScoresService,
    private readonly forecasts: ForecastsService,
  ) {}

  @Get('organisation')
  @ApiOperation({
    summary:
      "The organisation's alignment score with its explanation (directors, admins, integrators); as it stood at `asOf`, re-weighed under `settingsVersion`",
  })
  @ApiOkResponse({ type: ScoreView })
  @ApiProblems(404)
  organisation(@CurrentActor() actor: Actor, @Query() query: ScoreAsOfQueryDto): Promise<ScoreView> {
    return this.scores.score(actor, 'organisation', actor.orgId, query);
  }

  @Get('organisation/compare')
  @ApiOperation({
    summary: "The organisation's score at two times side by side: what moved, by how much, and why",
  })
  @ApiOkResponse({ type: ScoreComparisonView })
  @ApiProblems(404)
  organisationCompare(
    @CurrentActor() actor: Actor,
    @Query() query: ScoreCompareQueryDto,
  ): Promise<ScoreComparisonView> {
    return this.scores.compare(actor, 'organisation', actor.orgId, query);
  }

  @Get('organisation/history')
  @ApiOperation({
    summary:
      "Every change of the organisation's score in a time range, oldest first; or with interval=day its daily closes, newest first",
  })
  @ApiOkResponse({ type: ScoreHistoryPage })
  organisationHistory(
    @CurrentActor() actor: Actor,
    @Query() query: ScoreHistoryQueryDto,
  ): Promise<Page<ScorePointView>> {
    return this.scores.history(actor, 'organisation', actor.orgId, query);
  }

  @Get('organisation/forecast')
  @ApiOperation({
    summary:
      "The organisation's forecast at completion: EAC = AC + (BAC − EV) / CPI against the planned cost of its live tasks, ETC, VAC, TCPI and SPI (docs/alignment.md)",
  })
  @ApiOkResponse({ type: ForecastView })
  @ApiProblems(404)
  organisationForecast(@CurrentActor() actor: Actor, @Query() query: ForecastAsOfQueryDto): Promise<ForecastView> {
    return this.forecasts.forecast(actor, 'organisation', actor.orgId, query.asOf);
  }

  @Get(':scopes')
  @ApiParam({ name: 'scopes', enum: Object.keys(PATH_SCOPES) })
  @ApiOperation({ summary: 'Scores of all goals, managers or org units, lowest first (filter by band)' })
  @ApiOkResponse({ type: ScorePage })
  list(
    @CurrentActor() actor: Actor,
    @Param('scopes') scopes: string,
    @Query() query: ScoreListQueryDto,
  ): Promise<Page<ScoreView>> {
    return this.scores.list(actor, scopeOf(scopes), query);
  }

  @Get(':scopes/:id')
  @ApiParam({ name: 'scopes', enum: Object.keys(PATH_SCOPES) })
  @ApiOperation({
    summary:
      'One goal, manager or org unit: score, band, every component (value, weight, contribution) and what moved it most; as it stood at `asOf`, re-weighed under `settingsVersion`. A manager may read their own.',
  })
  @ApiOkResponse({ type: ScoreView })
  one(
    @CurrentActor() actor: Actor,
    @Param('scopes') scopes: string,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: ScoreAsOfQueryDto,
  ): Promise<ScoreView> {
    return this.scores.score(actor, scopeOf(scopes), id, query);
  }

  @Get(':scopes/:id/compare')
  @ApiParam({ name: 'scopes', enum: Object.keys(PATH_SCOPES) })
  @ApiOperation({
    summary:
      "A goal's, manager's or org unit's score at two times side by side: the change, each component's move with its words then and now, the drivers that appeared, went or moved, in one sentence too. A manager may compare their own.",
  })
  @ApiOkResponse({ type: ScoreComparisonView })
  compare(
    @CurrentActor() actor: Actor,
    @Param('scopes') scopes: string,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: ScoreCompareQueryDto,
  ): Promise<ScoreComparisonView> {
    return this.scores.compare(actor, scopeOf(scopes), id, query);
  }

  @Get(':scopes/:id/history')
  @ApiParam({ name: 'scopes', enum: Object.keys(PATH_SCOPES) })
  @ApiOperation({
    summary:
      'Every change of a score in a time range (from inclusive, to exclusive), oldest first; or with interval=day its daily closes, newest first',
  })
  @ApiOkResponse({ type: ScoreHistoryPage })
  history(
    @CurrentActor() actor: Actor,
    @Param('scopes') scopes: string,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: ScoreHistoryQueryDto,
  ): Promise<Page<ScorePointView>> {
    return this.scores.history(actor, scopeOf(scopes), id, query);
  }

  @Get(':scopes/:id/forecast')
  @ApiParam({ name: 'scopes', enum: Object.keys(PATH_SCOPES) })
  @ApiOperation({
    summary:
      'Forecast at completion of a goal (its sub-goals included), manager or org unit, from earned value: EAC = AC + (BAC − EV) / CPI, ETC, VAC against the budget, TCPI, and for goals the projected finish date from SPI. Null figures name their reason. A manager may read their own.',
  })
  @ApiOkResponse({ type: ForecastView })
  forecast(
    @CurrentActor() actor: Actor,
    @Param('scopes') scopes: string,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: ForecastAsOfQueryDto,
  ): Promise<ForecastView> {
    return this.forecasts.forecast(actor, scopeOf(scopes), id, query.asOf);
  }
}

function scopeOf(path: string): ScopeKind {
  const scope = PATH_SCOPES[path];
  if (!scope)
    throw notFound('Scores', path, `There are no /v1/scores/${path}: use goals, managers, org-units or organisation.`);
  return scope;
}
