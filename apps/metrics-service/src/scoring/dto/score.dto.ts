import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional } from 'class-validator';
import { ALERT_KINDS } from '@throughline/contracts';
import { PageMetaDto, PageQueryDto } from '@throughline/service-kit';

export class ScoreComponentView {
  @ApiProperty({ enum: ['schedule', 'cost', 'outcomes', 'focus', 'risk'], example: 'schedule' }) name: string;
  @ApiProperty({
    example: 37.8,
    nullable: true,
    type: Number,
    description: 'Value 0–100; null when the component does not apply to this scope (its weight goes to the others)',
  })
  value: number | null;
  @ApiProperty({ example: 0.3 }) weight: number;
  @ApiProperty({ example: 12.6, description: 'Points this component adds to the score' }) contribution: number;
  @ApiProperty({ example: 'earned 37.8% of the value planned by now (SPI 0.38)' }) detail: string;
}

export class ScoreDriverView {
  @ApiProperty({ enum: ['task', 'key_result', 'risk', 'manager'] }) kind: string;
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Pilot production run' }) name: string;
  @ApiProperty({ enum: ['schedule', 'cost', 'outcomes', 'focus', 'risk'] }) component: string;
  @ApiProperty({ example: 23.3, description: 'Score points this item costs' }) effect: number;
  @ApiProperty({ example: 'behind plan by 70% of its planned value' }) detail: string;
}

export class ScoreView {
  @ApiProperty({ enum: ['goal', 'manager', 'org_unit', 'organisation'] }) scope: string;
  @ApiProperty({ format: 'uuid' }) scopeId: string;
  @ApiProperty({ example: 'Launch the new product line' }) name: string;
  @ApiProperty({ minimum: 0, maximum: 100, example: 63.4 }) score: number;
  @ApiProperty({ enum: ['on_track', 'at_risk', 'off_track'], example: 'at_risk' }) band: string;
  @ApiProperty({ type: [ScoreComponentView] }) components: ScoreComponentView[];
  @ApiProperty({
    type: [ScoreDriverView],
    description: 'The tasks, key results, risks (or managers) that moved the score most, largest effect first',
  })
  drivers: ScoreDriverView[];
  @ApiProperty({ example: '2026-03-01', description: 'The day the score is computed for' }) asOf: string;
  @ApiProperty({ example: '2026-03-01T09:00:00.000Z', description: 'Time of the event (or pass) that last changed it' })
  computedAt: string;
}

export class ScorePointView {
  @ApiProperty({ example: 63.4 }) score: number;
  @ApiProperty({ enum: ['on_track', 'at_risk', 'off_track'] }) band: string;
  @ApiProperty({ type: [ScoreComponentView] }) components: ScoreComponentView[];
  @ApiProperty({ example: '2026-03-01T09:00:00.000Z' }) at: string;
}

export class ScoreHistoryQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: '2026-01-01T00:00:00Z', description: 'From this time (inclusive)' })
  @IsOptional()
  @IsISO8601()
  from?: string;

  @ApiPropertyOptional({ example: '2026-07-01T00:00:00Z', description: 'Up to this time (exclusive)' })
  @IsOptional()
  @IsISO8601()
  to?: string;

  @ApiPropertyOptional({
    enum: ['day'],
    description:
      "`day`: one point per UTC day that had a change, the day's last score (its close), newest day first — so the first page ends at the latest day however long the history. Without it: every change, oldest first.",
  })
  @IsOptional()
  @IsIn(['day'])
  interval?: 'day';
}

export class ScoreListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['on_track', 'at_risk', 'off_track'] })
  @IsOptional()
  @IsIn(['on_track', 'at_risk', 'off_track'])
  band?: 'on_track' | 'at_risk' | 'off_track';
}

export class ScoreHistoryPage {
  @ApiProperty({ type: [ScorePointView] }) items: ScorePointView[];
  @ApiProperty({ type: PageMetaDto }) page: PageMetaDto;
}

export class ScorePage {
  @ApiProperty({ type: [ScoreView] }) items: ScoreView[];
  @ApiProperty({ type: PageMetaDto }) page: PageMetaDto;
}

export class AlertView {
  @ApiProperty({ format: 'uuid' }) alertId: string;
  @ApiProperty({ enum: ALERT_KINDS })
  kind: string;
  @ApiProperty({ enum: ['goal', 'manager', 'org_unit', 'organisation'] }) scope: string;
  @ApiProperty({ format: 'uuid' }) scopeId: string;
  @ApiProperty({
    example:
      'Launch the new product line fell to 38.5 (off track): Pilot production run — behind plan by 70% of its planned value.',
  })
  message: string;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { score: 38.5, previousBand: 'at_risk' } })
  details: Record<string, unknown>;
  @ApiProperty({ example: '2026-04-22T00:00:00.000Z' }) raisedAt: string;
}

export class AlertPage {
  @ApiProperty({ type: [AlertView] }) items: AlertView[];
  @ApiProperty({ type: PageMetaDto }) page: PageMetaDto;
}

export class TimePassView {
  @ApiProperty({ example: '2026-04-01', description: "The clock's day the organisations were brought to" })
  asOf: string;
  @ApiProperty({ example: 1 }) organisations: number;
  @ApiProperty({ example: 5, description: 'Scopes whose facts changed because a date was crossed' }) rescored: number;
}
