import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { EVENT_DEFINITIONS } from '@throughline/contracts';
import { PageMetaDto, PageQueryDto } from '@throughline/service-kit';
import { DELIVERY_STATUSES, DeliveryStatus } from '../delivery-lifecycle';

export const ALL_EVENT_TYPES = '*';
const EVENT_TYPE_CHOICES = [ALL_EVENT_TYPES, ...EVENT_DEFINITIONS.map((definition) => definition.type)];
const EVENT_TYPES_MESSAGE = `each eventTypes entry must be "*" or an event type of the catalogue (/docs/asyncapi.json), e.g. throughline.goal.activated.v1`;

export class CreateWebhookDto {
  @ApiProperty({
    example: 'https://hooks.example.com/throughline',
    description: 'HTTPS endpoint (plain http only to loopback outside production).',
  })
  @IsString()
  @MaxLength(2000)
  url: string;

  @ApiProperty({
    type: [String],
    example: ['throughline.goal.activated.v1', 'throughline.task.status-changed.v1'],
    description: 'Event types to receive, or ["*"] for all.',
  })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @ArrayMaxSize(100)
  @IsIn(EVENT_TYPE_CHOICES, { each: true, message: EVENT_TYPES_MESSAGE })
  eventTypes: string[];

  @ApiPropertyOptional({
    example: 'ERP: post goal budgets',
    maxLength: 200,
    nullable: true,
    description: 'What the subscription is for; null clears it',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  description?: string | null;
}

export class UpdateWebhookDto {
  @ApiPropertyOptional({ example: 'https://hooks.example.com/throughline/v2' })
  // May be left out, not set to null (IsOptional would let null through; found by tests/security/hostile-input.spec.ts).
  @ValidateIf((_, value) => value !== undefined)
  @IsString()
  @MaxLength(2000)
  url?: string;

  @ApiPropertyOptional({ type: [String], example: ['*'] })
  @ValidateIf((_, value) => value !== undefined)
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @ArrayMaxSize(100)
  @IsIn(EVENT_TYPE_CHOICES, { each: true, message: EVENT_TYPES_MESSAGE })
  eventTypes?: string[];

  @ApiPropertyOptional({
    example: 'ERP: post goal budgets',
    maxLength: 200,
    nullable: true,
    description: 'What the subscription is for; null clears it',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  description?: string | null;
}

export class RotateSecretDto {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: 604800,
    example: 86400,
    description:
      'How long the old secret still signs (a second v1= entry), so receivers can switch without losing events. 0 ends it at once.',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(604_800)
  previousSecretValidForSeconds?: number;
}

export class WebhookQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['active', 'disabled'] })
  @IsOptional()
  @IsIn(['active', 'disabled'])
  status?: 'active' | 'disabled';
}

export class DeliveryQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES, description: 'dead_lettered is the subscription’s dead-letter list' })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;

  @ApiPropertyOptional({ example: 'throughline.goal.activated.v1' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  eventType?: string;
}

export class WebhookDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'https://hooks.example.com/throughline' }) url: string;
  @ApiProperty({ nullable: true, example: 'ERP: post goal budgets' }) description: string | null;
  @ApiProperty({ type: [String], example: ['throughline.goal.activated.v1'] }) eventTypes: string[];
  @ApiProperty({ enum: ['active', 'disabled'] }) status: 'active' | 'disabled';
  @ApiProperty({ nullable: true, example: 'failed 15 times in a row over 3 days' }) disabledReason: string | null;
  @ApiProperty({ nullable: true, format: 'date-time' }) disabledAt: string | null;
  @ApiProperty({ nullable: true, format: 'date-time', description: 'Start of the current run of failures' })
  failingSince: string | null;
  @ApiProperty({ example: 0 }) consecutiveFailures: number;
  @ApiProperty({ nullable: true, format: 'date-time', description: 'Until when the rotated-out secret still signs' })
  previousSecretExpiresAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty({ example: 1, description: 'Send it back in If-Match to change the subscription' }) version: number;
}

export class WebhookWithSecretDto extends WebhookDto {
  @ApiProperty({
    example: 'whsec_Y2hhbmdlLW1lLXRvLWEtcmVhbC1zZWNyZXQtcGxlYXNl',
    description: 'Shown only now: keep it to verify the webhook-signature header.',
  })
  secret: string;
}

export class WebhookPageDto {
  @ApiProperty({ type: [WebhookDto] }) items: WebhookDto[];
  @ApiProperty() page: PageMetaDto;
}

export class DeliveryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid', description: 'The CloudEvents id: receivers deduplicate on it' }) eventId: string;
  @ApiProperty({ example: 'throughline.goal.activated.v1' }) eventType: string;
  @ApiProperty({ description: 'The aggregate key; deliveries of one key go out in order' }) partitionKey: string;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status: DeliveryStatus;
  @ApiProperty({ example: 1 }) attempts: number;
  @ApiProperty({ nullable: true, format: 'date-time' }) nextAttemptAt: string | null;
  @ApiProperty({ nullable: true, format: 'date-time' }) lastAttemptAt: string | null;
  @ApiProperty({ nullable: true, example: 503 }) lastStatusCode: number | null;
  @ApiProperty({ nullable: true, example: 'HTTP 503' }) lastError: string | null;
  @ApiProperty({ nullable: true, format: 'date-time' }) deliveredAt: string | null;
  @ApiProperty({ nullable: true, format: 'date-time' }) deadLetteredAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class DeliveryPageDto {
  @ApiProperty({ type: [DeliveryDto] }) items: DeliveryDto[];
  @ApiProperty() page: PageMetaDto;
}

export class ReplayedDto {
  @ApiProperty({ example: 3, description: 'Dead-lettered deliveries queued again' }) replayed: number;
}
