import { Body, Controller, Get, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Actor, CorrelationId, CurrentActor, IfMatch, Roles, setETag } from '@throughline/service-kit';
import { AlignmentSettingsDto, AlignmentSettingsView } from './dto/settings.dto';
import { SettingsService } from './settings.service';
import { VersionedSettings } from '../scoring/settings.repository';

@ApiTags('settings')
@ApiBearerAuth()
@Controller('v1/settings/alignment')
export class SettingsController {
  constructor(private readonly settings: SettingsService) {}

  @Get()
  @ApiOperation({
    summary: "The organisation's component weights, band thresholds and alert thresholds; the ETag is their version",
  })
  @ApiOkResponse({ type: AlignmentSettingsView })
  async get(
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<AlignmentSettingsView> {
    return view(await this.settings.get(actor), response);
  }

  @Put()
  @Roles('director', 'admin')
  @ApiOperation({ summary: 'Replace the settings; every score of the organisation is recomputed with them' })
  @ApiOkResponse({ type: AlignmentSettingsView })
  async put(
    @CurrentActor() actor: Actor,
    @IfMatch() version: number,
    @Body() body: AlignmentSettingsDto,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<AlignmentSettingsView> {
    const settings = {
      weights: { ...body.weights },
      bands: { ...body.bands },
      unlinkedShareAlert: body.unlinkedShareAlert,
      highRiskExposure: body.highRiskExposure,
    };
    return view(await this.settings.update(actor, version, settings, correlationId), response);
  }
}

function view(current: VersionedSettings, response: FastifyReply): AlignmentSettingsView {
  setETag(response, current.version);
  return { ...current.settings, version: current.version };
}
