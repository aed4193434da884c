import { IsNonBlank } from '@throughline/service-kit';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { IsIsoDay, IsWeight } from '../../../shared/dto-decorators';

export class CreateDeliverableDto {
  @ApiProperty({ example: 'Pilot production run' })
  @IsNonBlank(200)
  title: string;

  @ApiProperty({
    format: 'uuid',
    example: '2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f',
    description: 'A person with role manager: they will own the task',
  })
  @IsUUID()
  managerId: string;

  @ApiProperty({ example: '2026-03-31', description: "Within the goal's period" })
  @IsIsoDay('dueDate')
  dueDate: string;

  @ApiPropertyOptional({ example: 2, default: 1 })
  @IsOptional()
  @IsWeight()
  weight?: number;

  @ApiProperty({
    example: 5000000,
    description:
      "Budget share in minor units of the goal's currency; all shares together stay within the goal's budget",
  })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  budgetMinor: number;
}

export class UpdateDeliverableDto {
  @ApiPropertyOptional({ example: 'Pilot production run (500 units)' })
  @IsOptional()
  @IsNonBlank(200)
  title?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    example: '2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f',
    description: 'Hand the work to another manager',
  })
  @IsOptional()
  @IsUUID()
  managerId?: string;

  @ApiPropertyOptional({ example: '2026-04-15' })
  @IsOptional()
  @IsIsoDay('dueDate')
  dueDate?: string;

  @ApiPropertyOptional({ example: 3 })
  @IsOptional()
  @IsWeight()
  weight?: number;

  @ApiPropertyOptional({ example: 4500000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  budgetMinor?: number;
}

export class RemoveDeliverableQueryDto {
  @ApiProperty({
    example: 'Merged into the pilot run',
    description: 'Why the work is dropped; its open task is cancelled with this reason',
  })
  @IsNonBlank(2000)
  reason: string;
}

export class DeliverableView {
  @ApiProperty({ format: 'uuid', example: '7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e' }) id: string;
  @ApiProperty({ format: 'uuid', example: '5d1c7f9e-2a3b-4c5d-8e9f-0a1b2c3d4e5f' }) goalId: string;
  @ApiProperty({ example: 'Pilot production run' }) title: string;
  @ApiProperty({ format: 'uuid', example: '2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f' }) managerId: string;
  @ApiProperty({ example: '2026-03-31' }) dueDate: string;
  @ApiProperty({ example: 2 }) weight: number;
  @ApiProperty({ example: 5000000 }) budgetMinor: number;
  @ApiProperty({ example: 1 }) version: number;
}
