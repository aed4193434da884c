import { ApiProperty } from '@nestjs/swagger';
import { IsNumber, IsString } from 'class-validator';
import { IsNonBlank } from '@throughline/service-kit';
import { MAX_SOURCE_LENGTH } from '../measurement.rules';

export class PushMeasurementDto {
  @ApiProperty({ example: 47.5, description: 'The measured value, in the key result’s unit' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  value: number;

  @ApiProperty({
    example: '2026-02-28T17:00:00Z',
    description:
      'When it was measured: a date-time with its offset, or a day (YYYY-MM-DD, its midnight UTC); not in the future, not before the goal began',
  })
  @IsString()
  measuredAt: string;

  @ApiProperty({ example: 'SAP S/4HANA cost centre report', description: 'The system the value comes from' })
  @IsNonBlank(MAX_SOURCE_LENGTH)
  source: string;
}

export class MeasurementView {
  @ApiProperty({ format: 'uuid', example: '019ca5c1-5f80-7a3b-8c4d-5e6f7a8b9c0d' }) id: string;
  @ApiProperty({ format: 'uuid', example: '7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e' }) keyResultId: string;
  @ApiProperty({ format: 'uuid', example: '5d1c7f9e-2a3b-4c5d-8e9f-0a1b2c3d4e5f' }) goalId: string;
  @ApiProperty({ example: 47.5 }) value: number;
  @ApiProperty({ format: 'date-time', example: '2026-02-28T17:00:00.000Z' }) measuredAt: string;
  @ApiProperty({ format: 'date', example: '2026-02-28', description: 'The UTC day measured: the check-in’s day' })
  measuredOn: string;
  @ApiProperty({ example: 'SAP S/4HANA cost centre report' }) source: string;
  @ApiProperty({ format: 'uuid', description: 'The integrator whose credential pushed it' }) recordedBy: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-01T09:00:00.000Z' }) recordedAt: string;
}

export class MeasurementBatchView {
  @ApiProperty({ example: 5000, description: 'Measurements recorded (each one check-in event)' }) recorded: number;
  @ApiProperty({ example: 12, description: 'Distinct key results they measure' }) keyResults: number;
}
