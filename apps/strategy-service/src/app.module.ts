import { Module } from '@nestjs/common';
import { Topics } from '@throughline/contracts';
import { MessagingModule } from '@throughline/messaging';
import { ServiceKitModule, StreamedUploads } from '@throughline/service-kit';
import { BudgetsModule } from './goals/budgets/budgets.module';
import { ContributionsModule } from './goals/contributions/contributions.module';
import { strategyDatabase } from './database/strategy-database';
import { DeliverablesModule } from './goals/deliverables/deliverables.module';
import { GoalsModule } from './goals/goals.module';
import { KeyResultsModule } from './goals/key-results/key-results.module';
import { MEASUREMENT_UPLOAD_PATH } from './goals/key-results/measurements/measurements.controller';
import { MeasurementsModule } from './goals/key-results/measurements/measurements.module';
import { AccessModule } from './access/access.module';
import { OrganisationModule } from './organisation/organisation.module';
import { PersonIdentityResolver } from './organisation/person-identity.resolver';
import { PlanSpreadsheetsModule } from './plan-spreadsheets/plan-spreadsheets.module';
import { RisksModule } from './goals/risks/risks.module';

@Module({
  imports: [
    ServiceKitModule.forRoot({ database: strategyDatabase, identityResolver: PersonIdentityResolver }),
    // Pushed measurements are check-ins: they go where a manager's check-ins go, execution's tasks topic.
    MessagingModule.forRoot({
      serviceName: 'strategy-service',
      publishes: [Topics.Organisation, Topics.Goals, Topics.Tasks],
    }),
    AccessModule,
    OrganisationModule,
    GoalsModule,
    ContributionsModule,
    KeyResultsModule,
    MeasurementsModule,
    BudgetsModule,
    DeliverablesModule,
    RisksModule,
    PlanSpreadsheetsModule,
  ],
})
@StreamedUploads(MEASUREMENT_UPLOAD_PATH)
export class AppModule {}
