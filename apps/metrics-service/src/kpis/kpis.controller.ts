import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, ApiProblems, CurrentActor } from '@throughline/service-kit';
import {
  KpiHistoryQueryDto,
  KpiPeriodQueryDto,
  ManagerKpiHistoryView,
  ManagerKpisView,
  OrganisationKpiHistoryQueryDto,
  OrganisationKpiHistoryView,
  OrganisationKpiQueryDto,
  OrganisationKpisView,
} from './dto/kpi.dto';
import { KpisService } from './kpis.service';

@ApiTags('kpis')
@ApiBearerAuth()
@Controller('v1/kpis')
export class KpisController {
  constructor(private readonly kpis: KpisService) {}

  @Get('managers/:managerId')
  @ApiOperation({
    summary:
      "A manager's KPIs for a period: throughput, cost per completed task, on-time rate, spend against budget, defect and rework rate; as they stood at `asOf`",
  })
  @ApiOkResponse({ type: ManagerKpisView })
  manager(
    @CurrentActor() actor: Actor,
    @Param('managerId', ParseUUIDPipe) managerId: string,
    @Query() query: KpiPeriodQueryDto,
  ): Promise<ManagerKpisView> {
    return this.kpis.manager(actor, managerId, query);
  }

  @Get('managers/:managerId/history')
  @ApiOperation({ summary: "A manager's KPIs per week or month over a range (default: the last 180 days)" })
  @ApiOkResponse({ type: ManagerKpiHistoryView })
  managerHistory(
    @CurrentActor() actor: Actor,
    @Param('managerId', ParseUUIDPipe) managerId: string,
    @Query() query: KpiHistoryQueryDto,
  ): Promise<ManagerKpiHistoryView> {
    return this.kpis.managerHistory(actor, managerId, query);
  }

  @Get('organisation')
  @ApiOperation({
    summary:
      "Directors' KPIs for a period (optionally one org unit and below): alignment of operations, budget consumption, goal attainment, risk-management effectiveness; as they stood at `asOf`",
  })
  @ApiOkResponse({ type: OrganisationKpisView })
  @ApiProblems(404)
  organisation(@CurrentActor() actor: Actor, @Query() query: OrganisationKpiQueryDto): Promise<OrganisationKpisView> {
    return this.kpis.organisation(actor, query);
  }

  @Get('organisation/history')
  @ApiOperation({ summary: "Directors' KPIs per week or month over a range (goal attainment over time, and the rest)" })
  @ApiOkResponse({ type: OrganisationKpiHistoryView })
  @ApiProblems(404)
  organisationHistory(
    @CurrentActor() actor: Actor,
    @Query() query: OrganisationKpiHistoryQueryDto,
  ): Promise<OrganisationKpiHistoryView> {
    return this.kpis.organisationHistory(actor, query);
  }
}
