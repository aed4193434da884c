import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsUUID, Max, Min, ValidateNested } from 'class-validator';

const PARENT = '5d1c7f9e-2a3b-4c5d-8e9f-0a1b2c3d4e5f';
const OTHER = '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f';
const SUPPORTED = '1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e';

export class ContributionDto {
  @ApiProperty({ format: 'uuid', example: PARENT, description: 'A goal this goal contributes to' })
  @IsUUID()
  goalId: string;

  @ApiProperty({
    minimum: 1,
    maximum: 100,
    example: 60,
    description: "The share of this goal's work that rolls up into that goal, in whole percent",
  })
  @IsInt()
  @Min(1)
  @Max(100)
  weightPercent: number;
}

/** The whole set, replacing the previous one. */
export class ReplaceContributionsDto {
  @ApiProperty({
    type: [ContributionDto],
    maxItems: 10,
    example: [
      { goalId: PARENT, weightPercent: 60 },
      { goalId: OTHER, weightPercent: 40 },
    ],
    description:
      "The goals this goal's work rolls up into, weights summing to 100; the parent must be one of them. Empty: all of it into the parent (the default).",
  })
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => ContributionDto)
  contributesTo: ContributionDto[];

  @ApiProperty({
    type: [String],
    format: 'uuid',
    maxItems: 10,
    example: [SUPPORTED],
    description: 'Goals this goal supports: shown beside them, not scored',
  })
  @IsArray()
  @ArrayMaxSize(10)
  @IsUUID(undefined, { each: true })
  supports: string[];
}

export class ContributionView {
  @ApiProperty({ format: 'uuid', example: PARENT }) goalId: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'Grow revenue in the DACH region',
    description: 'Null when the caller may not see that goal',
  })
  title: string | null;
  @ApiProperty({ example: 60 }) weightPercent: number;
}

export class SupportView {
  @ApiProperty({ format: 'uuid', example: SUPPORTED }) goalId: string;
  @ApiProperty({ type: String, nullable: true, example: 'Become the customers’ first choice' }) title: string | null;
}

export class ContributorView {
  @ApiProperty({ format: 'uuid', example: OTHER }) goalId: string;
  @ApiProperty({ type: String, nullable: true, example: 'Cut the churn of existing customers' }) title: string | null;
  @ApiProperty({ enum: ['contributes', 'supports'], example: 'contributes' }) kind: 'contributes' | 'supports';
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 40,
    description: 'Null for a goal that only supports this one',
  })
  weightPercent: number | null;
}

export class GoalContributionsView {
  @ApiProperty({ format: 'uuid', example: OTHER }) goalId: string;
  @ApiProperty({ format: 'uuid', nullable: true, example: PARENT, description: "The goal's place in the tree" })
  parentGoalId: string | null;
  @ApiProperty({
    type: [ContributionView],
    description: 'Where its work rolls up, with weights; empty: all of it into the parent',
  })
  contributesTo: ContributionView[];
  @ApiProperty({ type: [SupportView] }) supports: SupportView[];
  @ApiProperty({
    type: [ContributorView],
    description: 'Goals that name this one in their contributions (sub-goals rolling up by default are not listed)',
  })
  contributedBy: ContributorView[];
  @ApiProperty({ example: 3, description: "The goal's version: the ETag to send as If-Match with the next change" })
  version: number;
}
