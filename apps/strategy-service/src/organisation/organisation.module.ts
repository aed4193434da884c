import { Module } from '@nestjs/common';
import { OrganisationsController } from './organisations.controller';
import { OrganisationService } from './organisation.service';
import { OrgUnitsController } from './org-units.controller';
import { PeopleController } from './people.controller';

@Module({
  controllers: [OrganisationsController, OrgUnitsController, PeopleController],
  providers: [OrganisationService],
})
export class OrganisationModule {}
