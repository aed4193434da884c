import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsUUID, Matches } from 'class-validator';

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

export class KpiPeriodQueryDto {
  @ApiPropertyOptional({
    example: '2026-02-01',
    description: 'First day of the period (inclusive); default 30 days before `to`',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(ISO_DAY, { message: 'from must be a date like 2026-02-01' })
  from?: string;

  @ApiPropertyOptional({
    example: '2026-03-01',
    description: "Day after the period (exclusive); default the day after the organisation's latest day",
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(ISO_DAY, { message: 'to must be a date like 2026-03-01' })
  to?: string;

  @ApiPropertyOptional({
    example: '2026-03-01T00:00:00Z',
    description:
      'The KPIs as they stood at this time: only completions, costs, hours, quality issues, goal closings and risk changes recorded by then count, the score and key-result attainment are those of the score history then, and the period defaults to the 30 days up to it. Budgets keep no history, so with `asOf` they are null. 404 when the manager had no work yet, or the organisation (or unit) no score yet. Without it: as of now.',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  asOf?: string;
}

export class OrganisationKpiQueryDto extends KpiPeriodQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only this org unit and the units below it' })
  @IsOptional()
  @IsUUID()
  orgUnitId?: string;
}

export class KpiHistoryQueryDto extends KpiPeriodQueryDto {
  @ApiPropertyOptional({ enum: ['week', 'month'], default: 'month' })
  @IsOptional()
  @IsIn(['week', 'month'])
  interval?: 'week' | 'month';
}

export class OrganisationKpiHistoryQueryDto extends KpiHistoryQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  orgUnitId?: string;
}

export class ManagerKpisView {
  @ApiProperty({ format: 'uuid' }) managerId: string;
  @ApiProperty({ example: '2026-02-01' }) from: string;
  @ApiProperty({ example: '2026-03-01' }) to: string;
  @ApiProperty({ example: 4, description: 'Productivity: tasks completed in the period' }) throughput: number;
  @ApiProperty({
    example: 250000,
    nullable: true,
    type: Number,
    description: 'Efficiency: cost booked in the period per completed task (minor units)',
  })
  costPerCompletedTaskMinor: number | null;
  @ApiProperty({
    example: 0.75,
    nullable: true,
    type: Number,
    description: 'Efficiency: share of completed tasks with a due date done by it',
  })
  onTimeRate: number | null;
  @ApiProperty({ example: 1200000, description: 'Cost booked up to the end of the period (minor units)' })
  spentMinor: number;
  @ApiProperty({
    example: 2000000,
    nullable: true,
    type: Number,
    description:
      "Planned cost of the manager's live tasks (their budget share, minor units); null with `asOf` (task plans keep no history)",
  })
  budgetMinor: number | null;
  @ApiProperty({
    example: 0.6,
    nullable: true,
    type: Number,
    description: 'Cost against budget: spent / budget (below 1 is under budget); null with `asOf`',
  })
  spendAgainstBudget: number | null;
  @ApiProperty({ example: 1 }) defects: number;
  @ApiProperty({ example: 0 }) reworks: number;
  @ApiProperty({
    example: 0.25,
    nullable: true,
    type: Number,
    description: 'Quality: defects recorded per completed task',
  })
  defectRate: number | null;
  @ApiProperty({
    example: 0,
    nullable: true,
    type: Number,
    description: 'Quality: reworks recorded per completed task',
  })
  reworkRate: number | null;
}

export class OrganisationKpisView {
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) orgUnitId: string | null;
  @ApiProperty({ example: '2026-02-01' }) from: string;
  @ApiProperty({ example: '2026-03-01' }) to: string;
  @ApiProperty({
    example: 0.82,
    nullable: true,
    type: Number,
    description: 'Alignment of operations: share of effort (hours, else cost) in the period on work linked to goals',
  })
  linkedEffortShare: number | null;
  @ApiProperty({
    example: 74.2,
    nullable: true,
    type: Number,
    description: 'The alignment score of the organisation (or unit): the current one, or with `asOf` the one then',
  })
  alignmentScore: number | null;
  @ApiProperty({ example: 3500000 }) spentMinor: number;
  @ApiProperty({
    example: 10000000,
    nullable: true,
    type: Number,
    description:
      'Budgets of the active and finished goals; null with `asOf` (goal budgets and statuses keep no history)',
  })
  goalBudgetMinor: number | null;
  @ApiProperty({
    example: 0.35,
    nullable: true,
    type: Number,
    description: 'Budget consumption: spent / goal budgets; null with `asOf`',
  })
  budgetConsumption: number | null;
  @ApiProperty({ example: 2 }) goalsAchieved: number;
  @ApiProperty({ example: 1 }) goalsMissed: number;
  @ApiProperty({
    example: 0.6667,
    nullable: true,
    type: Number,
    description: 'Growth: goals achieved / goals achieved or missed in the period',
  })
  goalAttainmentRate: number | null;
  @ApiProperty({
    example: 88.9,
    nullable: true,
    type: Number,
    description:
      'Key results against where they should be by now (weighted, 0–100); with `asOf`, the outcomes component of the score then',
  })
  keyResultAttainment: number | null;
  @ApiProperty({ example: 3 }) risksMitigated: number;
  @ApiProperty({ example: 1 }) risksMaterialised: number;
  @ApiProperty({
    example: 0.75,
    nullable: true,
    type: Number,
    description: 'Risk management: mitigated / (mitigated + materialised) in the period',
  })
  riskManagementEffectiveness: number | null;
  @ApiProperty({ example: 12, description: 'Tasks completed in the period' }) throughput: number;
}

export class ManagerKpiHistoryView {
  @ApiProperty({ format: 'uuid' }) managerId: string;
  @ApiProperty({ enum: ['week', 'month'] }) interval: string;
  @ApiProperty({ type: [ManagerKpisView] }) points: ManagerKpisView[];
}

export class OrganisationKpiHistoryView {
  @ApiProperty({ enum: ['week', 'month'] }) interval: string;
  @ApiProperty({ type: [OrganisationKpisView] }) points: OrganisationKpisView[];
}
