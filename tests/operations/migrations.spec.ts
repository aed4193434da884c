import { Client } from 'pg';
import { metricsDatabase } from '../../apps/metrics-service/src/database/metrics-database';
import { databaseEnv, runMigrations } from '@throughline/service-kit';
import { dropSchema, testDatabaseUrl, uniqueTag } from '@throughline/testing';

/**
 * Every new pod applies its service's migrations in an init container (deploy/k8s), so replicas
 * starting together run them at the same moment: they must take turns, not collide.
 */
describe('migrations run by several replicas at once', () => {
  const schema = `t_${uniqueTag()}_metrics`;
  const migrations = metricsDatabase.migrations as unknown[];
  afterAll(() => dropSchema(schema));

  it('are applied once, and the other runners find the schema up to date', async () => {
    const settings = databaseEnv({ DATABASE_URL: testDatabaseUrl(), DB_SCHEMA: schema });
    const runs = await Promise.all([1, 2, 3].map(() => runMigrations(metricsDatabase, settings)));

    const applied = runs.filter((names) => names.length > 0);
    expect(applied).toHaveLength(1);
    expect(applied[0]).toHaveLength(migrations.length);
    expect(runs.filter((names) => names.length === 0)).toHaveLength(2);
    const client = new Client({ connectionString: testDatabaseUrl() });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT count(*)::int AS count FROM "${schema}".typeorm_migrations`);
      expect(rows[0].count).toBe(migrations.length);
    } finally {
      await client.end();
    }
  });
});
