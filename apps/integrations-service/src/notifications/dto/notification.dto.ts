import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';

/** A choice that must be sent, null included: the body replaces every preference, so a missing one is a mistake. */
function RequiredOrNull(field: string, what: string) {
  return applyDecorators(
    IsDefined({ message: `${field} is required: ${what}, or null for none` }),
    ValidateIf((_, value) => value !== null),
  );
}

export class NotificationPreferencesDto {
  @ApiProperty({ example: true, description: 'E-mail messages to the address of your person record' })
  @IsBoolean()
  emailEnabled: boolean;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'https://hooks.slack.com/services/T000/B000/XXXX',
    description: "A Slack or Microsoft Teams incoming webhook's address for chat messages; null for none",
  })
  @RequiredOrNull('chatWebhookUrl', 'a chat webhook address')
  @IsString()
  @MaxLength(2000)
  chatWebhookUrl: string | null;

  @ApiProperty({
    enum: ['slack', 'teams'],
    nullable: true,
    example: 'slack',
    description: 'The message format of that webhook',
  })
  @RequiredOrNull('chatFormat', 'slack or teams')
  @IsIn(['slack', 'teams'])
  chatFormat: 'slack' | 'teams' | null;

  @ApiProperty({ enum: ['weekly', 'off'], example: 'weekly', description: "Directors' weekly digest" })
  @IsIn(['weekly', 'off'])
  digest: 'weekly' | 'off';

  @ApiProperty({
    enum: ['daily', 'weekly', 'off'],
    example: 'daily',
    description: "Managers' reminder of overdue and quiet tasks",
  })
  @IsIn(['daily', 'weekly', 'off'])
  reminders: 'daily' | 'weekly' | 'off';

  @ApiProperty({ example: true, description: 'A message for each alert of your organisation as it is raised' })
  @IsBoolean()
  alerts: boolean;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 22,
    description: 'Hour quiet hours start (0–23, your time zone); null for none',
  })
  @RequiredOrNull('quietHoursStart', 'the hour quiet hours start')
  @IsInt()
  @Min(0)
  @Max(23)
  quietHoursStart: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 7,
    description: 'Hour quiet hours end; messages wait until then',
  })
  @RequiredOrNull('quietHoursEnd', 'the hour quiet hours end')
  @IsInt()
  @Min(0)
  @Max(23)
  quietHoursEnd: number | null;

  @ApiProperty({ example: 'Europe/Berlin', description: 'IANA time zone for the schedule and quiet hours' })
  @IsString()
  @MaxLength(64)
  timeZone: string;
}

export class SendNowDto {
  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description:
      'Only these people (default: everyone of your organisation who receives this kind; a director: themselves)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  personIds?: string[];
}

export class SendNowResultDto {
  @ApiProperty({
    example: 1,
    description: 'People whose message was queued now (sent within seconds, or after quiet hours)',
  })
  queued: number;

  @ApiProperty({
    example: 0,
    description: 'People who already had this period’s message: each is sent once per period',
  })
  alreadyQueued: number;

  @ApiProperty({
    example: 0,
    description: 'People with nothing to send: turned off, no channel, or (reminders) no overdue or quiet task',
  })
  nothingToSend: number;
}

export class UnsubscribeQueryDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  person: string;

  @ApiProperty({ description: 'The token of the link in the e-mail' })
  @IsString()
  @MaxLength(100)
  token: string;
}

export class UnsubscribedDto {
  @ApiProperty({ format: 'uuid' })
  personId: string;

  @ApiProperty({ example: false })
  emailEnabled: boolean;
}
