import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional } from 'class-validator';
import { FORECAST_GAP_REASONS } from '../forecast.rules';

const COST_FIELDS = [
  'costPerformanceIndex',
  'estimateAtCompletion',
  'estimateToComplete',
  'varianceAtCompletion',
  'toCompletePerformanceIndex',
];
const SCHEDULE_FIELDS = ['schedulePerformanceIndex', 'projectedFinish', 'slipDays'];

export class CostForecastGapView {
  @ApiProperty({ enum: COST_FIELDS, example: 'varianceAtCompletion' }) field: string;
  @ApiProperty({ enum: FORECAST_GAP_REASONS, example: 'no_budget' }) reason: string;
}

export class ScheduleForecastGapView {
  @ApiProperty({ enum: SCHEDULE_FIELDS, example: 'projectedFinish' }) field: string;
  @ApiProperty({ enum: FORECAST_GAP_REASONS, example: 'no_period' }) reason: string;
}

const nullableNumber = (example: number, description: string) => ({
  example,
  nullable: true,
  type: Number,
  description: `${description}; null when it cannot be forecast (the reason is in \`missing\`)`,
});

/** Money in minor units of the goal's currency. */
export class CostForecastView {
  @ApiProperty({
    example: 10000000,
    description:
      'The budget held against: the goal budget (its sub-goals included) for goals, else the planned cost of the live tasks',
  })
  budget: number;
  @ApiProperty({ example: 6000000, description: 'BAC: Σ planned cost of the live tasks (the budgeted work)' })
  budgetedWork: number;
  @ApiProperty({ example: 2000000, description: 'EV: Σ planned cost × progress (the budgeted cost of the work done)' })
  earnedValue: number;
  @ApiProperty({ example: 3500000, description: 'AC: the cost booked' }) actualCost: number;
  @ApiProperty(nullableNumber(0.571, 'CPI = EV / AC, to 3 decimals')) costPerformanceIndex: number | null;
  @ApiProperty(nullableNumber(10500000, 'EAC = AC + (BAC − EV) / CPI, rounded to the minor unit'))
  estimateAtCompletion: number | null;
  @ApiProperty(nullableNumber(7000000, 'ETC = EAC − AC')) estimateToComplete: number | null;
  @ApiProperty(nullableNumber(-500000, 'VAC = budget − EAC: negative when forecast to overrun'))
  varianceAtCompletion: number | null;
  @ApiProperty(
    nullableNumber(
      0.615,
      'TCPI = (BAC − EV) / (budget − AC): the cost efficiency the rest needs to stay within the budget',
    ),
  )
  toCompletePerformanceIndex: number | null;
  @ApiProperty({ example: true, nullable: true, type: Boolean, description: 'VAC < 0; null when VAC is null' })
  overrun: boolean | null;
  @ApiProperty({ example: 'forecast to cost 105,000.00 at completion: 5,000.00 over the budget 100,000.00' })
  detail: string;
  @ApiProperty({ type: [CostForecastGapView], description: 'Each figure that is null and why' })
  missing: CostForecastGapView[];
}

export class ScheduleForecastView {
  @ApiProperty(nullableNumber(0.378, 'SPI = earned value (counted up to each task’s planned value) / planned value'))
  schedulePerformanceIndex: number | null;
  @ApiProperty({
    example: '2026-01-01',
    nullable: true,
    type: String,
    description: 'The goal period’s first day; null for other scopes',
  })
  plannedStart: string | null;
  @ApiProperty({
    example: '2026-06-30',
    nullable: true,
    type: String,
    description: 'The goal period’s last day; null for other scopes',
  })
  plannedEnd: string | null;
  @ApiProperty({
    example: '2027-04-25',
    nullable: true,
    type: String,
    description:
      'start + ⌈period days / SPI⌉ − 1, no earlier than the as-of day while work is outstanding; the day a closed goal closed. Null when it cannot be forecast (see `missing`)',
  })
  projectedFinish: string | null;
  @ApiProperty(nullableNumber(299, 'Days from the planned end to the projected finish')) slipDays: number | null;
  @ApiProperty({
    example: true,
    nullable: true,
    type: Boolean,
    description: 'slipDays > 0; null when slipDays is null',
  })
  late: boolean | null;
  @ApiProperty({ example: 'at SPI 0.38 the 181-day period is projected to end on 2027-04-25' }) detail: string;
  @ApiProperty({ type: [ScheduleForecastGapView], description: 'Each figure that is null and why' })
  missing: ScheduleForecastGapView[];
}

export class ForecastView {
  @ApiProperty({ enum: ['goal', 'manager', 'org_unit', 'organisation'] }) scope: string;
  @ApiProperty({ format: 'uuid' }) scopeId: string;
  @ApiProperty({ example: 'Launch the new product line' }) name: string;
  @ApiProperty({ example: '2026-03-01', description: 'The organisation’s day the facts are as of' }) asOf: string;
  @ApiProperty({
    example: 'EUR',
    nullable: true,
    type: String,
    description: 'A goal’s currency; null for other scopes',
  })
  currency: string | null;
  @ApiProperty({ type: CostForecastView }) cost: CostForecastView;
  @ApiProperty({ type: ScheduleForecastView }) schedule: ScheduleForecastView;
}

export class ForecastAsOfQueryDto {
  @ApiPropertyOptional({
    example: '2026-03-01T00:00:00Z',
    description:
      "The forecast as it stood at this time: from the facts of the scope's last history point at or before it (kept whenever the score or its facts move), for that point's day. 404 before the scope's first score, and for a time whose change was recorded before facts were kept. Without it: now.",
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  asOf?: string;
}
