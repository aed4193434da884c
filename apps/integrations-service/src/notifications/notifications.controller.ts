import { Body, Controller, Get, HttpCode, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, ApiProblems, CurrentActor, Public, Roles } from '@throughline/service-kit';
import {
  NotificationPreferencesDto,
  SendNowDto,
  SendNowResultDto,
  UnsubscribedDto,
  UnsubscribeQueryDto,
} from './dto/notification.dto';
import { NotificationsService } from './notifications.service';

@ApiTags('notifications')
@Controller('v1/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get('preferences/me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'What you receive, where and when (defaults until you choose)' })
  @ApiOkResponse({ type: NotificationPreferencesDto })
  @ApiProblems(404)
  preferences(@CurrentActor() actor: Actor): Promise<NotificationPreferencesDto> {
    return this.notifications.preferences(actor);
  }

  @Put('preferences/me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Choose channels, cadence, alerts, quiet hours and time zone (the whole set)' })
  @ApiOkResponse({ type: NotificationPreferencesDto })
  choose(@CurrentActor() actor: Actor, @Body() body: NotificationPreferencesDto): Promise<NotificationPreferencesDto> {
    return this.notifications.choose(actor, body);
  }

  @Post('digests')
  @HttpCode(200)
  @ApiBearerAuth()
  @Roles('director', 'admin')
  @ApiOperation({
    summary:
      "Send this week's digest now (a director: their own; an admin: each director's), once per person and week — the schedule sends it otherwise",
  })
  @ApiOkResponse({ type: SendNowResultDto })
  sendDigests(@CurrentActor() actor: Actor, @Body() body: SendNowDto): Promise<SendNowResultDto> {
    return this.notifications.sendNow(actor, 'digest', body.personIds);
  }

  @Post('reminders')
  @HttpCode(200)
  @ApiBearerAuth()
  @Roles('manager', 'director', 'admin')
  @ApiOperation({
    summary:
      "Send today's reminder of overdue and quiet tasks now (a manager: their own; directors and admins: their organisation's managers), once per person and day",
  })
  @ApiOkResponse({ type: SendNowResultDto })
  sendReminders(@CurrentActor() actor: Actor, @Body() body: SendNowDto): Promise<SendNowResultDto> {
    return this.notifications.sendNow(actor, 'reminder', body.personIds);
  }

  @Get('unsubscribe')
  @Public()
  @ApiOperation({
    summary: 'The link at the foot of each e-mail: turns e-mail off for that person (no sign-in needed)',
  })
  @ApiOkResponse({ type: UnsubscribedDto })
  @ApiProblems(400, 404)
  unsubscribe(@Query() query: UnsubscribeQueryDto): Promise<UnsubscribedDto> {
    return this.notifications.unsubscribe(query.person, query.token);
  }
}
