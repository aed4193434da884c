import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  Actor,
  ApiPageResponse,
  ApiProblems,
  CorrelationId,
  CurrentActor,
  IfMatch,
  Page,
  withETag,
} from '@throughline/service-kit';
import { CreatePersonDto, PersonListQueryDto, PersonMeView, PersonView, UpdatePersonDto } from './dto/organisation.dto';
import { OrganisationService } from './organisation.service';

@ApiTags('organisation')
@ApiBearerAuth()
@Controller('v1/people')
export class PeopleController {
  constructor(private readonly organisation: OrganisationService) {}

  @Post()
  @ApiOperation({ summary: 'Add a person with role, org unit and reporting line; mint their token with their id' })
  @ApiCreatedResponse({ type: PersonView })
  async create(
    @CurrentActor() actor: Actor,
    @Body() body: CreatePersonDto,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<PersonView> {
    return withETag(response, await this.organisation.createPerson(actor, body, correlationId));
  }

  @Get()
  @ApiOperation({ summary: 'List people (filter by role, org unit, manager, active)' })
  @ApiPageResponse(PersonView)
  list(@CurrentActor() actor: Actor, @Query() query: PersonListQueryDto): Promise<Page<PersonView>> {
    return this.organisation.listPeople(actor, query);
  }

  @Get('me')
  @ApiOperation({
    summary: 'Who the token belongs to: the person, their role, unit and organisation (any role)',
  })
  @ApiOkResponse({ type: PersonMeView })
  @ApiProblems(404)
  me(@CurrentActor() actor: Actor): Promise<PersonMeView> {
    return this.organisation.me(actor);
  }

  @Get(':personId')
  @ApiOperation({ summary: 'A person; the ETag is their version' })
  @ApiOkResponse({ type: PersonView })
  async get(
    @CurrentActor() actor: Actor,
    @Param('personId', ParseUUIDPipe) personId: string,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<PersonView> {
    return withETag(response, await this.organisation.getPerson(actor, personId));
  }

  @Patch(':personId')
  @ApiOperation({ summary: 'Change role, org unit, reporting line (no cycles) or deactivate' })
  @ApiOkResponse({ type: PersonView })
  async update(
    @CurrentActor() actor: Actor,
    @Param('personId', ParseUUIDPipe) personId: string,
    @Body() body: UpdatePersonDto,
    @IfMatch() version: number,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<PersonView> {
    return withETag(response, await this.organisation.updatePerson(actor, personId, body, version, correlationId));
  }
}
