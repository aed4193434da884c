import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsNumber, IsObject, Max, Min, ValidateNested } from 'class-validator';

export class ComponentWeightsDto {
  @ApiProperty({ example: 0.3, minimum: 0, maximum: 100 }) @IsNumber() @Min(0) @Max(100) schedule: number;
  @ApiProperty({ example: 0.2, minimum: 0, maximum: 100 }) @IsNumber() @Min(0) @Max(100) cost: number;
  @ApiProperty({ example: 0.3, minimum: 0, maximum: 100 }) @IsNumber() @Min(0) @Max(100) outcomes: number;
  @ApiProperty({ example: 0.1, minimum: 0, maximum: 100 }) @IsNumber() @Min(0) @Max(100) focus: number;
  @ApiProperty({ example: 0.1, minimum: 0, maximum: 100 }) @IsNumber() @Min(0) @Max(100) risk: number;
}

export class BandThresholdsDto {
  @ApiProperty({ example: 70, minimum: 0, maximum: 100, description: 'Scores at or above are on track' })
  @IsNumber()
  @Min(0)
  @Max(100)
  onTrack: number;
  @ApiProperty({
    example: 40,
    minimum: 0,
    maximum: 100,
    description: 'Scores at or above (and below onTrack) are at risk; below, off track',
  })
  @IsNumber()
  @Min(0)
  @Max(100)
  atRisk: number;
}

/** The whole settings document: PUT replaces it. */
export class AlignmentSettingsDto {
  @ApiProperty({
    type: ComponentWeightsDto,
    description: 'Relative weights of the components; those that do not apply to a scope share theirs',
  })
  // ValidateNested alone lets a missing object or an array through (a 500; found by tests/security/hostile-input.spec.ts).
  @IsObject()
  @ValidateNested()
  @Type(() => ComponentWeightsDto)
  weights: ComponentWeightsDto;

  @ApiProperty({ type: BandThresholdsDto })
  @IsObject()
  @ValidateNested()
  @Type(() => BandThresholdsDto)
  bands: BandThresholdsDto;

  @ApiProperty({
    example: 0.3,
    minimum: 0,
    maximum: 1,
    description: 'Raise an alert when unlinked work exceeds this share of effort',
  })
  @IsNumber()
  @Min(0)
  @Max(1)
  unlinkedShareAlert: number;

  @ApiProperty({
    example: 12,
    minimum: 1,
    maximum: 25,
    description: 'A risk is high when likelihood × impact reaches this',
  })
  @IsInt()
  @Min(1)
  @Max(25)
  highRiskExposure: number;
}

export class AlignmentSettingsView extends AlignmentSettingsDto {
  @ApiProperty({ example: 2, description: 'Send it back in If-Match to update (0: the defaults, never changed)' })
  version: number;
}
