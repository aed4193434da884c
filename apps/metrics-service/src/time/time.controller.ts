import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '@throughline/service-kit';
import { TimePassView } from '../scoring/dto/score.dto';
import { TimePassService } from './time-pass.service';

@ApiTags('time')
@ApiBearerAuth()
@Controller('v1/time-pass')
export class TimePassController {
  constructor(private readonly pass: TimePassService) {}

  @Post()
  @HttpCode(200)
  @Roles('director', 'admin')
  @ApiOperation({
    summary:
      "Run the scheduled time pass now for your organisation: bring its scores to the service clock's day (what crossed a due date moves)",
  })
  @ApiOkResponse({ type: TimePassView })
  run(@CurrentActor() actor: Actor): Promise<TimePassView> {
    return this.pass.run(actor.orgId);
  }
}
