import { Module } from '@nestjs/common';
import { GoalsModule } from '../goals/goals.module';
import { PlanExportService } from './plan-export.service';
import { PlanImportService } from './plan-import.service';
import { PlanSpreadsheetsController } from './plan-spreadsheets.controller';

@Module({
  imports: [GoalsModule],
  controllers: [PlanSpreadsheetsController],
  providers: [PlanImportService, PlanExportService],
})
export class PlanSpreadsheetsModule {}
