import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import {
  EventOf,
  OrganisationCreatedV1,
  OrgUnitCreatedV1,
  OrgUnitUpdatedV1,
  PersonCreatedV1,
  PersonUpdatedV1,
} from '@throughline/contracts';
import { HandleEvent } from '@throughline/messaging';
import { ContributionLedger } from '../scoring/contribution-ledger.service';
import { ScoringEngine } from '../scoring/scoring-engine.service';
import { markDirty } from '../scoring/scoring-run';
import { applyInRun, lockRow } from './apply-in-run';
import { assertSameOrganisation } from './same-organisation';

/** The organisation tree and people with reporting lines, from strategy's organisation topic. */
@Injectable()
export class OrganisationEventsHandler {
  constructor(
    private readonly engine: ScoringEngine,
    private readonly ledger: ContributionLedger,
  ) {}

  /**
   * A unit row that may be a placeholder (version 0) until its own event arrives: every chain
   * walk then reaches the top of the tree, whatever order the events came in.
   */
  static async ensureUnit(tx: EntityManager, orgUnitId: string | null, orgId: string): Promise<void> {
    if (!orgUnitId) return;
    await tx.query(
      `INSERT INTO org_unit_rm (org_unit_id, org_id, name, parent_org_unit_id, version) VALUES ($1, $2, '', NULL, 0) ON CONFLICT (org_unit_id) DO NOTHING`,
      [orgUnitId, orgId],
    );
    await assertSameOrganisation(tx, 'org unit', orgUnitId, orgId);
  }

  @HandleEvent(OrganisationCreatedV1)
  async organisationCreated(event: EventOf<typeof OrganisationCreatedV1>, tx: EntityManager): Promise<void> {
    await applyInRun(this.engine, tx, event, async (run) => {
      await tx.query(`UPDATE org_state SET name = $2 WHERE org_id = $1`, [run.orgId, event.data.name]);
      markDirty(run, [{ scope: 'organisation', id: run.orgId }]);
    });
  }

  /** Snapshots: an older version than the one held is ignored; a new parent moves the unit's facts to the new chain. */
  @HandleEvent(OrgUnitCreatedV1, OrgUnitUpdatedV1)
  async orgUnitChanged(event: EventOf<typeof OrgUnitCreatedV1>, tx: EntityManager): Promise<void> {
    const unit = event.data;
    await applyInRun(this.engine, tx, event, async (run) => {
      await assertSameOrganisation(tx, 'org unit', unit.orgUnitId, run.orgId);
      const existing = await lockRow<{ version: number; parent_org_unit_id: string | null }>(
        tx,
        `SELECT version, parent_org_unit_id FROM org_unit_rm WHERE org_unit_id = $1 FOR UPDATE`,
        [unit.orgUnitId],
      );
      if (existing && existing.version >= unit.version) return;
      await OrganisationEventsHandler.ensureUnit(tx, unit.parentOrgUnitId, run.orgId);
      await tx.query(
        `INSERT INTO org_unit_rm (org_unit_id, org_id, name, parent_org_unit_id, version) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (org_unit_id) DO UPDATE SET name = EXCLUDED.name, parent_org_unit_id = EXCLUDED.parent_org_unit_id, version = EXCLUDED.version`,
        [unit.orgUnitId, run.orgId, unit.name, unit.parentOrgUnitId, unit.version],
      );
      await this.ledger.moveFacts(
        run,
        { scope: 'org_unit', id: unit.orgUnitId },
        existing?.parent_org_unit_id ?? null,
        unit.parentOrgUnitId,
      );
      markDirty(run, [{ scope: 'org_unit', id: unit.orgUnitId }]);
    });
  }

  /** A manager moving to another org unit takes their facts along: out of the old chain, into the new. */
  @HandleEvent(PersonCreatedV1, PersonUpdatedV1)
  async personChanged(event: EventOf<typeof PersonCreatedV1>, tx: EntityManager): Promise<void> {
    const person = event.data;
    await applyInRun(this.engine, tx, event, async (run) => {
      await assertSameOrganisation(tx, 'person', person.personId, run.orgId);
      const existing = await lockRow<{ version: number; org_unit_id: string | null; name: string }>(
        tx,
        `SELECT version, org_unit_id, name FROM person_rm WHERE person_id = $1 FOR UPDATE`,
        [person.personId],
      );
      if (existing && existing.version >= person.version) return;
      await OrganisationEventsHandler.ensureUnit(tx, person.orgUnitId, run.orgId);
      await tx.query(
        `INSERT INTO person_rm (person_id, org_id, name, role, org_unit_id, reports_to_id, active, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (person_id) DO UPDATE SET name = EXCLUDED.name, role = EXCLUDED.role, org_unit_id = EXCLUDED.org_unit_id, reports_to_id = EXCLUDED.reports_to_id,
           active = EXCLUDED.active, version = EXCLUDED.version`,
        [
          person.personId,
          run.orgId,
          person.name,
          person.role,
          person.orgUnitId,
          person.reportsToId,
          person.active,
          person.version,
        ],
      );
      await this.ledger.moveFacts(
        run,
        { scope: 'manager', id: person.personId },
        existing?.org_unit_id ?? null,
        person.orgUnitId,
      );
      if (existing && existing.name !== person.name)
        await this.ledger.renamed(run, { kind: 'manager', orgUnitId: person.orgUnitId });
    });
  }
}
