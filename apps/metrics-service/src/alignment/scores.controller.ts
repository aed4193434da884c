import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor } from '@throughline/service-kit';
import { AlignmentService } from './alignment.service';
import { GoalScoreView, ScorePointView } from './dto/score.dto';

@ApiTags('scores')
@ApiBearerAuth()
@Controller('v1/scores')
export class ScoresController {
  constructor(private readonly alignment: AlignmentService) {}

  @Get('goals/:goalId')
  @ApiOperation({ summary: "A goal's alignment score with its explanation" })
  @ApiOkResponse({ type: GoalScoreView })
  goal(@CurrentActor() actor: Actor, @Param('goalId', ParseUUIDPipe) goalId: string): Promise<GoalScoreView> {
    return this.alignment.goalScore(actor, goalId);
  }

  @Get('goals/:goalId/history')
  @ApiOperation({ summary: "Every change of a goal's score, oldest first" })
  @ApiOkResponse({ type: [ScorePointView] })
  goalHistory(@CurrentActor() actor: Actor, @Param('goalId', ParseUUIDPipe) goalId: string): Promise<ScorePointView[]> {
    return this.alignment.goalHistory(actor, goalId);
  }
}
