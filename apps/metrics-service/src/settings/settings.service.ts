import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor, Clock, CLOCK, assertVersion } from '@throughline/service-kit';
import { AlignmentSettings } from '../scoring/alignment-formula';
import { ScoringEngine } from '../scoring/scoring-engine.service';
import { validateSettings } from './alignment-settings';
import { readSettings, VersionedSettings } from '../scoring/settings.repository';

/** Reads and changes an organisation's settings; a change rescores the organisation with them. */
@Injectable()
export class SettingsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly engine: ScoringEngine,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  get(actor: Actor): Promise<VersionedSettings> {
    return readSettings(this.dataSource.manager, actor.orgId);
  }

  /** Replaces the settings if `expectedVersion` is current, then rescores the organisation's scopes with them. */
  async update(
    actor: Actor,
    expectedVersion: number,
    next: AlignmentSettings,
    correlationId: string,
  ): Promise<VersionedSettings> {
    const settings = validateSettings(next);
    return this.dataSource.transaction(async (tx) => {
      // The organisation's clock row first, as every scoring run takes it: no lock-order surprises.
      await tx.query(`SELECT 1 FROM org_state WHERE org_id = $1 FOR UPDATE`, [actor.orgId]);
      // Not before the organisation's latest score point: the clock can be behind the events' times (a manual
      // clock, a producer whose clock runs ahead), and points stamped before facts they hold would rewrite the
      // past that as-of reads answer from.
      const [{ latest }] = await tx.query(
        `SELECT max(at) AS latest FROM alignment_score_history WHERE scope = 'organisation' AND scope_id = $1`,
        [actor.orgId],
      );
      const now = this.clock.now();
      const at = latest && new Date(latest) > now ? new Date(latest) : now;
      const run = await this.engine.begin(tx, actor.orgId, at, { orgId: actor.orgId, correlationId });
      const current = await readSettings(tx, actor.orgId, true);
      assertVersion("The organisation's settings", current.version, expectedVersion);
      const version = current.version + 1;
      await tx.query(
        `INSERT INTO alignment_settings (org_id, settings, version, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (org_id) DO UPDATE SET settings = EXCLUDED.settings, version = EXCLUDED.version, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`,
        [actor.orgId, JSON.stringify(settings), version, actor.personId, run.at],
      );
      // Every version is kept: a score names the version it was computed under (docs/alignment.md).
      await tx.query(
        `INSERT INTO alignment_settings_version (org_id, version, settings, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)`,
        [actor.orgId, version, JSON.stringify(settings), actor.personId, run.at],
      );
      run.memory.settings = { settings, version };
      await this.engine.rescoreAll(run);
      return { settings, version };
    });
  }
}
