import { createHash } from 'node:crypto';
import { EntityManager, QueryFailedError } from 'typeorm';

const names = new Map<string, string>();

/** One name per statement text, the same in every process: a connection prepares each text once. */
function statementName(sql: string): string {
  let name = names.get(sql);
  if (!name) {
    name = `throughline_${createHash('sha1').update(sql).digest('hex').slice(0, 24)}`;
    names.set(sql, name);
  }
  return name;
}

/** A node-postgres client, as a pool lends it or a session of its own. */
export interface PreparingClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/** `preparedQuery` on a client held outside TypeORM (the relay's own session). */
export async function preparedOn<T = Record<string, unknown>>(
  client: PreparingClient,
  sql: string,
  params: unknown[],
): Promise<T[]> {
  try {
    return (await client.query({ name: statementName(sql), text: sql, values: params })).rows as T[];
  } catch (error) {
    throw error instanceof Error && 'code' in error ? new QueryFailedError(sql, params, error) : error;
  }
}

/**
 * Runs a statement of a hot path as a prepared statement of the connection it runs on (in the
 * manager's transaction, if it has one): PostgreSQL parses, analyses and plans its text once per
 * connection instead of at every call, which for the accept path's statements cost more CPU than
 * executing them. Only for texts built from code, never from input: each distinct text is kept
 * prepared on every connection that ran it. Fails as `manager.query` does (QueryFailedError).
 */
export async function preparedQuery<T = Record<string, unknown>>(
  manager: EntityManager,
  sql: string,
  params: unknown[],
): Promise<T[]> {
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    return await preparedOn<T>(await runner.connect(), sql, params);
  } finally {
    if (!manager.queryRunner) await runner.release();
  }
}
