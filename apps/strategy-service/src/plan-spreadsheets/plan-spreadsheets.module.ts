import { Module } from '@nestjs/common';
import { BudgetsModule } from '../goals/budgets/budgets.module';
import { DeliverablesModule } from '../goals/deliverables/deliverables.module';
import { GoalsModule } from '../goals/goals.module';
import { KeyResultsModule } from '../goals/key-results/key-results.module';
import { PlanExportService } from './plan-export.service';
import { PlanImportService } from './plan-import.service';
import { PlanSpreadsheetsController } from './plan-spreadsheets.controller';

@Module({
  imports: [GoalsModule, KeyResultsModule, DeliverablesModule, BudgetsModule],
  controllers: [PlanSpreadsheetsController],
  providers: [PlanImportService, PlanExportService],
})
export class PlanSpreadsheetsModule {}
