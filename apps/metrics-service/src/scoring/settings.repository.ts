import { EntityManager } from 'typeorm';
import { AlignmentSettings, DEFAULT_SETTINGS } from './alignment-formula';

export interface VersionedSettings {
  settings: AlignmentSettings;
  version: number;
}

/** An organisation's weights, bands and alert thresholds; the defaults until it sets its own. */
export async function readSettings(tx: EntityManager, orgId: string, lock = false): Promise<VersionedSettings> {
  const [row] = await tx.query(
    `SELECT settings, version FROM alignment_settings WHERE org_id = $1 ${lock ? 'FOR UPDATE' : ''}`,
    [orgId],
  );
  return row
    ? { settings: { ...DEFAULT_SETTINGS, ...row.settings }, version: row.version }
    : { settings: DEFAULT_SETTINGS, version: 0 };
}
