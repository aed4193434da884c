import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { messagingMigrations } from '../src/core/messaging-migrations';
import { pruneRetained } from '../src/core/retention';
import { testDatabaseUrl, uniqueTag } from '@throughline/testing';

describe('retention of the inbox and the audit trail', () => {
  const schema = `t_${uniqueTag()}_retention`;
  let dataSource: DataSource;
  const now = new Date('2026-06-01T00:00:00Z');
  const daysAgo = (days: number) => new Date(now.getTime() - days * 24 * 3_600_000);

  beforeAll(async () => {
    const setup = new DataSource({ type: 'postgres', url: testDatabaseUrl() });
    await setup.initialize();
    await setup.query(`CREATE SCHEMA "${schema}"`);
    await setup.destroy();
    dataSource = new DataSource({
      type: 'postgres',
      url: testDatabaseUrl(),
      schema,
      migrations: messagingMigrations,
      extra: { options: `-c search_path=${schema}` },
    });
    await dataSource.initialize();
    await dataSource.runMigrations();
  });
  afterAll(async () => {
    await dataSource.query(`DROP SCHEMA "${schema}" CASCADE`);
    await dataSource.destroy();
  });

  async function seed(ages: number[]): Promise<void> {
    for (const age of ages) {
      await dataSource.query(
        `INSERT INTO inbox_event (consumer, event_id, event_type, topic, kafka_partition, kafka_offset, processed_at)
         VALUES ('c', $1, 't', 'topic', 0, 0, $2)`,
        [randomUUID(), daysAgo(age)],
      );
      await dataSource.query(
        `INSERT INTO audit_entry (org_id, event_id, event_type, subject, correlation_id, at) VALUES ($1, $2, 't', 's', 'c', $3)`,
        [randomUUID(), randomUUID(), daysAgo(age)],
      );
    }
  }
  const ages = async (table: string, column: string) =>
    (await dataSource.query(`SELECT ${column} AS at FROM ${table} ORDER BY ${column}`)).map((row: { at: Date }) =>
      Math.round((now.getTime() - row.at.getTime()) / (24 * 3_600_000)),
    );

  it('deletes in batches only what is older than each table keeps, and keeps everything when set to 0', async () => {
    await seed([1, 10, 31, 32, 40, 45, 100, 500]);
    const settings = {
      INBOX_RETENTION_DAYS: 30,
      AUDIT_RETENTION_DAYS: 90,
      RETENTION_INTERVAL_MS: 60_000,
      RETENTION_BATCH_SIZE: 2,
    };
    expect(await pruneRetained(dataSource, settings, now)).toEqual({ inbox_event: 6, audit_entry: 2 });
    expect(await ages('inbox_event', 'processed_at')).toEqual([10, 1]);
    expect(await ages('audit_entry', 'at')).toEqual([45, 40, 32, 31, 10, 1]);

    expect(
      await pruneRetained(dataSource, { ...settings, INBOX_RETENTION_DAYS: 0, AUDIT_RETENTION_DAYS: 0 }, now),
    ).toEqual({ inbox_event: 0, audit_entry: 0 });
    expect(await ages('audit_entry', 'at')).toHaveLength(6);
  });
});
