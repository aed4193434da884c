import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { IsArray } from 'class-validator';
import { ALERT_KINDS } from '@throughline/contracts';
import { CostForecastView, ScheduleForecastView } from '../../scoring/dto/forecast.dto';
import { ScoreComponentView, ScoreDriverView } from '../../scoring/dto/score.dto';
import {
  MAX_CONTRIBUTIONS,
  MAX_COST_PERCENT,
  MAX_MONEY_MINOR,
  MAX_SIMULATION_CHANGES,
  MAX_SLIP_DAYS,
  MIN_COST_PERCENT,
  RISK_OUTCOMES,
  SIMULATION_CHANGE_KINDS,
} from '../simulation-changes';

const TARGET =
  'Exactly one of taskId and deliverableId: a deliverable stands for every live task made from it (and its own due date)';

/** Documentation of each kind of change; the request is read by simulation-changes.ts, which names every problem as `changes[i].field`. */
export class SlipChangeDto {
  @ApiProperty({ enum: ['slip'] }) kind: 'slip';
  @ApiPropertyOptional({ format: 'uuid', description: TARGET }) taskId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: TARGET }) deliverableId?: string;
  @ApiProperty({
    example: 21,
    minimum: -MAX_SLIP_DAYS,
    maximum: MAX_SLIP_DAYS,
    type: 'integer',
    description:
      'Days the due date moves (negative: earlier, never before the task started). A slip re-plans: planned value by now is computed against the new date',
  })
  days: number;
}

export class CostChangeDto {
  @ApiProperty({ enum: ['cost'] }) kind: 'cost';
  @ApiPropertyOptional({ format: 'uuid', description: TARGET }) taskId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: TARGET }) deliverableId?: string;
  @ApiPropertyOptional({
    example: 20,
    minimum: MIN_COST_PERCENT,
    maximum: MAX_COST_PERCENT,
    description:
      'The cost booked runs this % over (negative: under), rounded to the minor unit; exactly one of percent and amountMinor',
  })
  percent?: number;
  @ApiPropertyOptional({
    example: 250000,
    minimum: -MAX_MONEY_MINOR,
    maximum: MAX_MONEY_MINOR,
    type: 'integer',
    description:
      "A fixed amount more booked (minor units; negative: less, never below zero); a deliverable's is shared among its tasks by planned cost",
  })
  amountMinor?: number;
}

export class RiskChangeDto {
  @ApiProperty({ enum: ['risk'] }) kind: 'risk';
  @ApiProperty({ format: 'uuid' }) riskId: string;
  @ApiProperty({ enum: RISK_OUTCOMES, description: 'The risk materialises or is mitigated' }) to: string;
}

export class KeyResultChangeDto {
  @ApiProperty({ enum: ['key_result'] }) kind: 'key_result';
  @ApiProperty({ format: 'uuid' }) keyResultId: string;
  @ApiProperty({ example: 42.5, description: 'The value the key result reaches (measured on the organisation’s day)' })
  value: number;
}

export class BudgetChangeDto {
  @ApiProperty({ enum: ['budget'] }) kind: 'budget';
  @ApiProperty({ format: 'uuid' }) goalId: string;
  @ApiProperty({
    example: 15000000,
    minimum: 0,
    maximum: MAX_MONEY_MINOR,
    type: 'integer',
    description: "The goal's revised budget, in minor units",
  })
  budgetMinor: number;
}

export class SimulatedWeightsDto {
  @ApiProperty({ example: 0.3, minimum: 0, maximum: 100 }) schedule: number;
  @ApiProperty({ example: 0.2, minimum: 0, maximum: 100 }) cost: number;
  @ApiProperty({ example: 0.3, minimum: 0, maximum: 100 }) outcomes: number;
  @ApiProperty({ example: 0.1, minimum: 0, maximum: 100 }) focus: number;
  @ApiProperty({ example: 0.1, minimum: 0, maximum: 100 }) risk: number;
}

export class WeightsChangeDto {
  @ApiProperty({ enum: ['weights'] }) kind: 'weights';
  @ApiProperty({
    type: SimulatedWeightsDto,
    description: "The organisation's component weights (at most one such change)",
  })
  weights: SimulatedWeightsDto;
}

export class SimulatedContributionDto {
  @ApiProperty({ format: 'uuid' }) goalId: string;
  @ApiProperty({ example: 60, minimum: 1, maximum: 100, type: 'integer' }) weightPercent: number;
}

export class ContributionsChangeDto {
  @ApiProperty({ enum: ['contributions'] }) kind: 'contributions';
  @ApiProperty({ format: 'uuid', description: 'The goal whose work is shared out' }) goalId: string;
  @ApiProperty({
    type: [SimulatedContributionDto],
    maxItems: MAX_CONTRIBUTIONS,
    description:
      'The goals its work would roll up into, weights summing to 100, its parent among them (docs/alignment.md, "A goal that serves several goals"); empty: all of it into its parent. A loop is refused.',
  })
  contributesTo: SimulatedContributionDto[];
}

const CHANGE_MODELS = [
  SlipChangeDto,
  CostChangeDto,
  RiskChangeDto,
  KeyResultChangeDto,
  BudgetChangeDto,
  WeightsChangeDto,
  ContributionsChangeDto,
];

@ApiExtraModels(...CHANGE_MODELS)
export class SimulationRequestDto {
  @ApiProperty({
    type: 'array',
    minItems: 1,
    maxItems: MAX_SIMULATION_CHANGES,
    description: `Hypothetical changes, applied in order (1–${MAX_SIMULATION_CHANGES}); kinds: ${SIMULATION_CHANGE_KINDS.join(', ')}`,
    items: {
      oneOf: CHANGE_MODELS.map((model) => ({ $ref: getSchemaPath(model) })),
      discriminator: {
        propertyName: 'kind',
        mapping: Object.fromEntries(
          SIMULATION_CHANGE_KINDS.map((kind, index) => [kind, getSchemaPath(CHANGE_MODELS[index])]),
        ),
      },
    },
  })
  @IsArray()
  changes: unknown[];
}

export class AppliedChangeView {
  @ApiProperty({ example: 0, description: 'Position in the request' }) index: number;
  @ApiProperty({ enum: SIMULATION_CHANGE_KINDS }) kind: string;
  @ApiProperty({ example: '"Pilot production run" due 2026-03-22 → 2026-04-12', description: 'What the change did' })
  effect: string;
}

export class SimulatedAlertView {
  @ApiProperty({ enum: ALERT_KINDS }) kind: string;
  @ApiProperty({ format: 'uuid', description: 'What the alert is about: the scope itself, or a risk' })
  subjectId: string;
  @ApiProperty({ example: 'Production ready is forecast to cost 100000.00 at completion, …' }) message: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) details: Record<string, unknown>;
}

export class SimulatedForecastView {
  @ApiProperty({ type: CostForecastView }) cost: CostForecastView;
  @ApiProperty({ type: ScheduleForecastView }) schedule: ScheduleForecastView;
}

export class ScopeStateView {
  @ApiProperty({ minimum: 0, maximum: 100, example: 63.4 }) score: number;
  @ApiProperty({ enum: ['on_track', 'at_risk', 'off_track'] }) band: string;
  @ApiProperty({ type: [ScoreComponentView] }) components: ScoreComponentView[];
  @ApiProperty({ type: [ScoreDriverView] }) drivers: ScoreDriverView[];
  @ApiProperty({ type: SimulatedForecastView }) forecast: SimulatedForecastView;
  @ApiProperty({ type: [SimulatedAlertView], description: 'The open alerts about this scope' })
  alerts: SimulatedAlertView[];
}

export class ComponentDifferenceView {
  @ApiProperty({ enum: ['schedule', 'cost', 'outcomes', 'focus', 'risk'] }) name: string;
  @ApiProperty({ example: -12.5, nullable: true, type: Number, description: 'Projected − today; null when either is' })
  value: number | null;
  @ApiProperty({ example: -2.5, nullable: true, type: Number }) contribution: number | null;
}

const difference = (example: number, what: string) => ({
  example,
  nullable: true,
  type: Number,
  description: `${what}: projected − today; null when either cannot be computed`,
});

export class ScopeDifferenceView {
  @ApiProperty(difference(-4.2, 'Score')) score: number | null;
  @ApiProperty({ example: false }) bandChanged: boolean;
  @ApiProperty({ type: [ComponentDifferenceView] }) components: ComponentDifferenceView[];
  @ApiProperty(difference(-0.05, 'CPI')) costPerformanceIndex: number | null;
  @ApiProperty(difference(286000, 'EAC (minor units)')) estimateAtCompletion: number | null;
  @ApiProperty(difference(-286000, 'VAC (minor units)')) varianceAtCompletion: number | null;
  @ApiProperty(difference(0, 'SPI')) schedulePerformanceIndex: number | null;
  @ApiProperty(difference(21, 'Days of projected slip past the end date')) slipDays: number | null;
  @ApiProperty({ type: [SimulatedAlertView], description: 'Alerts the changes would raise' })
  alertsRaised: SimulatedAlertView[];
  @ApiProperty({ type: [SimulatedAlertView], description: 'Alerts the changes would clear' })
  alertsCleared: SimulatedAlertView[];
}

export class SimulatedScopeView {
  @ApiProperty({ enum: ['goal', 'manager', 'org_unit', 'organisation'] }) scope: string;
  @ApiProperty({ format: 'uuid' }) scopeId: string;
  @ApiProperty({ example: 'Launch the X200 product line' }) name: string;
  @ApiProperty({ type: ScopeStateView, nullable: true, description: 'Null when the scope has no score yet' })
  today: ScopeStateView | null;
  @ApiProperty({ type: ScopeStateView, nullable: true, description: 'Null when the scope would have no score' })
  projected: ScopeStateView | null;
  @ApiProperty({ type: ScopeDifferenceView }) difference: ScopeDifferenceView;
}

export class SimulationView {
  @ApiProperty({ example: '2026-03-01', description: "The organisation's day both sides are computed for" })
  asOf: string;
  @ApiProperty({ type: [AppliedChangeView] }) changes: AppliedChangeView[];
  @ApiProperty({
    type: [SimulatedScopeView],
    description:
      'Every scope the changes reach (goals and their parents, managers, org units, the organisation), goals first',
  })
  scopes: SimulatedScopeView[];
}
