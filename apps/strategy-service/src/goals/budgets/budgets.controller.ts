import { Body, Controller, Get, Param, ParseUUIDPipe, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  Actor,
  ApiPageResponse,
  CorrelationId,
  CurrentActor,
  IfMatch,
  Page,
  PageQueryDto,
  setETag,
} from '@throughline/service-kit';
import { BudgetsService } from './budgets.service';
import { BudgetRevisionView, CurrentBudgetView, ReviseBudgetDto } from './dto/budget.dto';

@ApiTags('budgets')
@ApiBearerAuth()
@Controller('v1/goals/:goalId/budget')
export class BudgetsController {
  constructor(private readonly budgets: BudgetsService) {}

  @Get()
  @ApiOperation({ summary: "The goal's current budget revision and its allocations; the ETag is the revision number" })
  @ApiOkResponse({ type: CurrentBudgetView })
  async current(
    @CurrentActor() actor: Actor,
    @Param('goalId', ParseUUIDPipe) goalId: string,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<CurrentBudgetView> {
    const budget = await this.budgets.current(actor, goalId);
    setETag(response, budget.revision);
    return budget;
  }

  @Put()
  @ApiOperation({
    summary:
      'Revise the budget: a new numbered revision with the total and the complete allocation to managers or org units (never above the total)',
  })
  @ApiOkResponse({ type: CurrentBudgetView })
  async revise(
    @CurrentActor() actor: Actor,
    @Param('goalId', ParseUUIDPipe) goalId: string,
    @Body() body: ReviseBudgetDto,
    @IfMatch() revision: number,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<CurrentBudgetView> {
    const budget = await this.budgets.revise(actor, goalId, body, revision, correlationId);
    setETag(response, budget.revision);
    return budget;
  }

  @Get('revisions')
  @ApiOperation({ summary: 'Every revision of the budget, oldest first' })
  @ApiPageResponse(BudgetRevisionView)
  history(
    @CurrentActor() actor: Actor,
    @Param('goalId', ParseUUIDPipe) goalId: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<BudgetRevisionView>> {
    return this.budgets.history(actor, goalId, query);
  }
}
