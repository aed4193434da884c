import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

export class PlanImportQueryDto {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    default: 'false',
    description: 'true: check every row and report, change nothing',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  dryRun?: 'true' | 'false';
}

export class PlanRowProblemView {
  @ApiProperty({ example: 7, description: 'Row number as the spreadsheet program shows it (header = 1)' })
  row: number;
  @ApiProperty({ example: 'period_end', nullable: true, description: 'The column to fix, when one is to blame' })
  column: string | null;
  @ApiProperty({ example: '"2026-02-30" is not a date: write it as YYYY-MM-DD' })
  message: string;
}

export class PlanImportCountsView {
  @ApiProperty({ example: 2 }) goals: number;
  @ApiProperty({ example: 3 }) keyResults: number;
  @ApiProperty({ example: 4 }) deliverables: number;
  @ApiProperty({ example: 1, description: 'Budget revisions made from budget_allocation rows (one per goal)' })
  budgetRevisions: number;
  @ApiProperty({ example: 2 }) activatedGoals: number;
}

export class ImportedGoalView {
  @ApiProperty({ example: 'launch' }) ref: string;
  @ApiProperty({ format: 'uuid', example: '5d1c7f9e-2a3b-4c5d-8e9f-0a1b2c3d4e5f' }) id: string;
  @ApiProperty({ example: 'Launch the new product line' }) title: string;
}

export class PlanImportView {
  @ApiProperty({ example: false }) dryRun: boolean;
  @ApiProperty({ example: true, description: 'No row has a problem (a commit is then all or nothing)' })
  valid: boolean;
  @ApiProperty({
    example: false,
    description:
      'This very file was committed before: nothing was created again (the result is that of the first commit)',
  })
  alreadyImported: boolean;
  @ApiProperty({ example: 10, description: 'Data rows read (empty rows skipped)' }) rows: number;
  @ApiProperty({ type: PlanImportCountsView }) created: PlanImportCountsView;
  @ApiProperty({ type: [ImportedGoalView], description: "Each goal row's ref and the goal it made" })
  goals: ImportedGoalView[];
  @ApiProperty({ type: [PlanRowProblemView] }) errors: PlanRowProblemView[];
}
