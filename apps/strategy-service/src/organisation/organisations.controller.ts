import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Actor, CorrelationId, CurrentActor, withETag } from '@throughline/service-kit';
import { CreateOrganisationDto, OrganisationView } from './dto/organisation.dto';
import { OrganisationService } from './organisation.service';

@ApiTags('organisation')
@ApiBearerAuth()
@Controller('v1/organisations')
export class OrganisationsController {
  constructor(private readonly organisation: OrganisationService) {}

  @Post()
  @ApiOperation({ summary: "Bootstrap a tenant: creates the organisation whose id is the admin token's org claim" })
  @ApiCreatedResponse({ type: OrganisationView })
  @ApiConflictResponse({ description: 'The organisation already exists' })
  async create(
    @CurrentActor() actor: Actor,
    @Body() body: CreateOrganisationDto,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<OrganisationView> {
    return withETag(response, await this.organisation.createOrganisation(actor, body, correlationId));
  }

  @Get(':organisationId')
  @ApiOperation({ summary: 'Your organisation (any other id answers 404)' })
  @ApiOkResponse({ type: OrganisationView })
  async get(
    @CurrentActor() actor: Actor,
    @Param('organisationId', ParseUUIDPipe) organisationId: string,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<OrganisationView> {
    return withETag(response, await this.organisation.getOrganisation(actor, organisationId));
  }
}
