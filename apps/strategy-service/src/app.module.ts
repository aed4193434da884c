import { Module } from '@nestjs/common';
import { Topics } from '@throughline/contracts';
import { MessagingModule } from '@throughline/messaging';
import { ServiceKitModule } from '@throughline/service-kit';
import { BudgetsModule } from './goals/budgets/budgets.module';
import { strategyDatabase } from './database/strategy-database';
import { DeliverablesModule } from './goals/deliverables/deliverables.module';
import { GoalsModule } from './goals/goals.module';
import { KeyResultsModule } from './goals/key-results/key-results.module';
import { AccessModule } from './access/access.module';
import { OrganisationModule } from './organisation/organisation.module';
import { PersonIdentityResolver } from './organisation/person-identity.resolver';
import { PlanSpreadsheetsModule } from './plan-spreadsheets/plan-spreadsheets.module';
import { RisksModule } from './goals/risks/risks.module';

@Module({
  imports: [
    ServiceKitModule.forRoot({ database: strategyDatabase, identityResolver: PersonIdentityResolver }),
    MessagingModule.forRoot({ serviceName: 'strategy-service', publishes: [Topics.Organisation, Topics.Goals] }),
    AccessModule,
    OrganisationModule,
    GoalsModule,
    KeyResultsModule,
    BudgetsModule,
    DeliverablesModule,
    RisksModule,
    PlanSpreadsheetsModule,
  ],
})
export class AppModule {}
