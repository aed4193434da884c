import { Module } from '@nestjs/common';
import { KeepPeopleFromOrganisationEvents } from './keep-people-from-organisation-events.handler';

/** Execution's copy of people and reporting lines, kept from organisation events. */
@Module({ providers: [KeepPeopleFromOrganisationEvents] })
export class PeopleModule {}
