import { env, EnvOf } from '@throughline/config';
import { DataSource } from 'typeorm';
import { z } from 'zod';

const DAY_MS = 24 * 3_600_000;

export const retentionEnvSchema = z.object({
  INBOX_RETENTION_DAYS: env.integer({
    description:
      'processed-event records older than this are deleted (they only need to outlive redelivery; a rebuild clears its own); 0 keeps them',
    default: 30,
    min: 0,
  }),
  AUDIT_RETENTION_DAYS: env.integer({
    description: 'audit entries older than this are deleted; 0 keeps them forever',
    default: 400,
    min: 0,
  }),
  RETENTION_INTERVAL_MS: env.integer({
    description: 'how often the retention pass runs',
    default: 3_600_000,
    min: 1000,
    unit: 'ms',
  }),
  RETENTION_BATCH_SIZE: env.integer({
    description: 'rows deleted per statement (short transactions, no long locks)',
    default: 5000,
    min: 1,
  }),
});
export type RetentionEnv = EnvOf<typeof retentionEnvSchema>;

/** The tables the messaging library grows without end, and the column that dates each row. */
const RETAINED = [
  { table: 'inbox_event', column: 'processed_at', days: (settings: RetentionEnv) => settings.INBOX_RETENTION_DAYS },
  { table: 'audit_entry', column: 'at', days: (settings: RetentionEnv) => settings.AUDIT_RETENTION_DAYS },
] as const;

/** Deletes rows older than each table's retention, in batches; returns how many per table. */
export async function pruneRetained(
  dataSource: DataSource,
  settings: RetentionEnv,
  now: Date = new Date(),
): Promise<Record<string, number>> {
  const deleted: Record<string, number> = {};
  for (const { table, column, days } of RETAINED) {
    deleted[table] = 0;
    if (days(settings) === 0) continue;
    const cutoff = new Date(now.getTime() - days(settings) * DAY_MS);
    for (;;) {
      const [, count]: [unknown, number] = await dataSource.query(
        `DELETE FROM ${table} WHERE ctid IN (SELECT ctid FROM ${table} WHERE ${column} < $1 LIMIT $2)`,
        [cutoff, settings.RETENTION_BATCH_SIZE],
      );
      deleted[table] += count;
      if (count < settings.RETENTION_BATCH_SIZE) break;
    }
  }
  return deleted;
}
