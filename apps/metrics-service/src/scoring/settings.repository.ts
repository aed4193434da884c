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

/** One version of an organisation's settings as it was (0: the defaults), or null when it never had that version. */
export async function readSettingsVersion(
  db: Pick<EntityManager, 'query'>,
  orgId: string,
  version: number,
): Promise<AlignmentSettings | null> {
  if (version === 0) return DEFAULT_SETTINGS;
  const [row] = await db.query(`SELECT settings FROM alignment_settings_version WHERE org_id = $1 AND version = $2`, [
    orgId,
    version,
  ]);
  return row ? { ...DEFAULT_SETTINGS, ...row.settings } : null;
}
