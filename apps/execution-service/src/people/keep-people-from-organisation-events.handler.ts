import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventOf, PersonCreatedV1, PersonUpdatedV1 } from '@throughline/contracts';
import { HandleEvent } from '@throughline/messaging';
import { assertSameOrganisation } from '../shared/same-organisation';

/**
 * Execution's copy of people: role and reporting line, for directors reading the work of
 * those who report to them. The organisation topic is separate from the goals topic, so a
 * person may be heard of after their tasks exist; tasks never wait for the person.
 */
@Injectable()
export class KeepPeopleFromOrganisationEvents {
  @HandleEvent(PersonCreatedV1, PersonUpdatedV1)
  async onPersonSnapshot(event: EventOf<typeof PersonCreatedV1>, tx: EntityManager): Promise<void> {
    const person = event.data;
    await assertSameOrganisation(tx, 'person', person.personId, event.orgid);
    await tx.query(
      `INSERT INTO person_rm (person_id, org_id, name, role, org_unit_id, reports_to_id, active, snapshot_version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (person_id) DO UPDATE SET name = EXCLUDED.name, role = EXCLUDED.role, org_unit_id = EXCLUDED.org_unit_id,
         reports_to_id = EXCLUDED.reports_to_id, active = EXCLUDED.active, snapshot_version = EXCLUDED.snapshot_version
       WHERE person_rm.snapshot_version < EXCLUDED.snapshot_version AND person_rm.org_id = EXCLUDED.org_id`,
      [
        person.personId,
        event.orgid,
        person.name,
        person.role,
        person.orgUnitId,
        person.reportsToId,
        person.active,
        person.version,
      ],
    );
  }
}
