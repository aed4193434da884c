import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Actor, ApiPageResponse, CorrelationId, CurrentActor, IfMatch, Page, withETag } from '@throughline/service-kit';
import { CreateOrgUnitDto, OrgUnitListQueryDto, OrgUnitView, UpdateOrgUnitDto } from './dto/organisation.dto';
import { OrganisationService } from './organisation.service';

@ApiTags('organisation')
@ApiBearerAuth()
@Controller('v1/org-units')
export class OrgUnitsController {
  constructor(private readonly organisation: OrganisationService) {}

  @Post()
  @ApiOperation({ summary: 'Create an org unit, optionally below another' })
  @ApiCreatedResponse({ type: OrgUnitView })
  async create(
    @CurrentActor() actor: Actor,
    @Body() body: CreateOrgUnitDto,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<OrgUnitView> {
    return withETag(response, await this.organisation.createOrgUnit(actor, body, correlationId));
  }

  @Get()
  @ApiOperation({ summary: 'List org units (filter by parent)' })
  @ApiPageResponse(OrgUnitView)
  list(@CurrentActor() actor: Actor, @Query() query: OrgUnitListQueryDto): Promise<Page<OrgUnitView>> {
    return this.organisation.listOrgUnits(actor, query);
  }

  @Get(':orgUnitId')
  @ApiOperation({ summary: 'An org unit; the ETag is its version' })
  @ApiOkResponse({ type: OrgUnitView })
  async get(
    @CurrentActor() actor: Actor,
    @Param('orgUnitId', ParseUUIDPipe) orgUnitId: string,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<OrgUnitView> {
    return withETag(response, await this.organisation.getOrgUnit(actor, orgUnitId));
  }

  @Patch(':orgUnitId')
  @ApiOperation({ summary: 'Rename or move an org unit (no cycles in the tree)' })
  @ApiOkResponse({ type: OrgUnitView })
  async update(
    @CurrentActor() actor: Actor,
    @Param('orgUnitId', ParseUUIDPipe) orgUnitId: string,
    @Body() body: UpdateOrgUnitDto,
    @IfMatch() version: number,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<OrgUnitView> {
    return withETag(response, await this.organisation.updateOrgUnit(actor, orgUnitId, body, version, correlationId));
  }
}
