import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { ALERT_KINDS } from '@throughline/contracts';
import { Actor, CurrentActor, Page, PageQueryDto } from '@throughline/service-kit';
import { AlertPage, AlertView } from './dto/score.dto';
import { ScoresService } from './scores.service';

export class AlertQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ALERT_KINDS })
  @IsOptional()
  @IsIn(ALERT_KINDS as unknown as string[])
  kind?: string;
}

@ApiTags('alerts')
@ApiBearerAuth()
@Controller('v1/alerts')
export class AlertsController {
  constructor(private readonly scores: ScoresService) {}

  @Get()
  @ApiOperation({
    summary: 'Conditions that are still open (each was published once as throughline.alert.raised.v1), newest first',
  })
  @ApiOkResponse({ type: AlertPage })
  list(@CurrentActor() actor: Actor, @Query() query: AlertQueryDto): Promise<Page<AlertView>> {
    return this.scores.alerts(actor, query);
  }
}
