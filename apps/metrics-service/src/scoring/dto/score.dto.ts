import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, Max, Min } from 'class-validator';
import { ALERT_KINDS } from '@throughline/contracts';
import { PageMetaDto, PageQueryDto } from '@throughline/service-kit';

/** `settingsVersion` as a query parameter: a version of the organisation's settings to re-weigh under (0 = the defaults). */
function SettingsVersionQuery(description: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: 'integer', minimum: 0, example: 1, description }),
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(0),
    Max(1_000_000),
  );
}

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
  @ApiProperty({
    example: 2,
    description:
      "The version of the organisation's settings (weights, bands) the score is computed under; 0 = the defaults. With `settingsVersion` asked, that version.",
  })
  settingsVersion: number;
  @ApiProperty({
    example: null,
    nullable: true,
    type: Number,
    description:
      'Set when the score was re-weighed under another settings version than it was computed with (`settingsVersion`): the version it was computed under. Its drivers are those of that computation.',
  })
  reweighedFromVersion: number | null;
}

/** Which score: as it stood at a time (from its history), and under which settings version. */
export class ScoreAsOfQueryDto {
  @ApiPropertyOptional({
    example: '2026-03-01T00:00:00Z',
    description:
      'The score as it stood at this time: the last change at or before it, with its explanation. 404 when the scope had no score yet. Without it: the current score.',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  asOf?: string;

  @SettingsVersionQuery(
    "Re-weigh the score under this version of the organisation's settings (weights and bands; 0 = the defaults) without re-applying any event. 422 when that version does not exist or differs in `highRiskExposure` (which changes the risk facts themselves: rebuild instead).",
  )
  settingsVersion?: number;
}

export class ScoreCompareQueryDto {
  @ApiProperty({ example: '2026-03-01T00:00:00Z', description: 'The earlier time' })
  @IsISO8601({ strict: true })
  from: string;

  @ApiPropertyOptional({
    example: '2026-04-01T00:00:00Z',
    description: 'The later time; without it, now (the current score)',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @SettingsVersionQuery(
    'Compare both under this settings version, so only what happened moves the score (422 as for a single score)',
  )
  settingsVersion?: number;
}

export class ComponentChangeView {
  @ApiProperty({ enum: ['schedule', 'cost', 'outcomes', 'focus', 'risk'] }) name: string;
  @ApiProperty({ example: 80, nullable: true, type: Number }) valueFrom: number | null;
  @ApiProperty({ example: 30, nullable: true, type: Number }) valueTo: number | null;
  @ApiProperty({ example: 27.6, description: 'Points the component added to the score at `from`' })
  contributionFrom: number;
  @ApiProperty({ example: 10.3 }) contributionTo: number;
  @ApiProperty({ example: -17.3 }) contributionChange: number;
  @ApiProperty({ example: 0.3 }) weightFrom: number;
  @ApiProperty({ example: 0.3 }) weightTo: number;
  @ApiProperty({ example: 'earned 80% of the value planned by now (SPI 0.80)' }) detailFrom: string;
  @ApiProperty({ example: 'earned 30% of the value planned by now (SPI 0.30)' }) detailTo: string;
}

export class DriverChangeView {
  @ApiProperty({ enum: ['task', 'key_result', 'risk', 'manager'] }) kind: string;
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Pilot production run' }) name: string;
  @ApiProperty({ enum: ['schedule', 'cost', 'outcomes', 'focus', 'risk'] }) component: string;
  @ApiProperty({ example: 0, description: 'Points the item cost the score at `from` (0: not among its drivers)' })
  effectFrom: number;
  @ApiProperty({ example: 17.3 }) effectTo: number;
}

export class ScoreComparisonView {
  @ApiProperty({ type: ScoreView }) from: ScoreView;
  @ApiProperty({ type: ScoreView }) to: ScoreView;
  @ApiProperty({ example: -17.4 }) scoreChange: number;
  @ApiProperty({ enum: ['on_track', 'at_risk', 'off_track'] }) bandFrom: string;
  @ApiProperty({ enum: ['on_track', 'at_risk', 'off_track'] }) bandTo: string;
  @ApiProperty({ type: [ComponentChangeView], description: 'Every component, the largest move in points first' })
  components: ComponentChangeView[];
  @ApiProperty({
    type: [DriverChangeView],
    description: 'Drivers of either time whose effect differs, the largest move first',
  })
  drivers: DriverChangeView[];
  @ApiProperty({
    example:
      'Fell 17.4 points, 72.5 → 55.1 (on track → at risk); most from schedule (−17.3 points): earned 80% of the value planned by now (SPI 0.80) → earned 30% of the value planned by now (SPI 0.30).',
  })
  summary: string;
}

export class ScorePointView {
  @ApiProperty({ example: 63.4 }) score: number;
  @ApiProperty({ enum: ['on_track', 'at_risk', 'off_track'] }) band: string;
  @ApiProperty({ type: [ScoreComponentView] }) components: ScoreComponentView[];
  @ApiProperty({ example: '2026-03-01T09:00:00.000Z' }) at: string;
  @ApiProperty({
    example: 2,
    description: 'The settings version the point is computed under (the one asked, when re-weighed)',
  })
  settingsVersion: number;
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

  @SettingsVersionQuery(
    "Re-weigh every point under this version of the organisation's settings: the period as it would have scored under it, no event re-applied (422 as for a single score)",
  )
  settingsVersion?: number;
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
