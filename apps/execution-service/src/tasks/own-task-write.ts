import { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { EventContext, GuardedChange, preparedQuery } from '@throughline/messaging';
import { TaskHistoryEntry } from './task-history-entry.entity';
import { Task } from './task.entity';

export interface OwnTaskWrite {
  taskId: string;
  /** The version the manager's rules were checked against: nothing is written if the task has moved on. */
  readVersion: number;
  set: Partial<Task>;
  at: Date;
  history: { change: string; details: Record<string, unknown>; cause: EventContext };
  /** What the change records besides the task (a cost, hours, a quality issue), every column given. */
  entry?: { target: EntityTarget<ObjectLiteral>; value: ObjectLiteral };
}

/**
 * A manager's change to their task as the guard of its event's outbox statement (GuardedChange):
 * the changed fields, the version bump and the timestamp only if the task is still at the version
 * read, then its history line and its entry from that update's row. Task, history, entry, event
 * and audit are one statement, so one round trip and one implicit transaction, with no row lock
 * held between the read and the write (the version condition is the lock: a concurrent change
 * makes it match nothing, and the caller answers 412).
 */
export function ownTaskWrite(dataSource: DataSource, write: OwnTaskWrite): GuardedChange {
  const task = dataSource.getMetadata(Task);
  const history = dataSource.getMetadata(TaskHistoryEntry).tableName;
  const columns = Object.keys(write.set).map(
    (property) => `"${task.findColumnWithPropertyName(property)!.databaseName}"`,
  );
  const patch = Object.fromEntries(
    Object.entries(write.set).map(([property, value]) => [
      task.findColumnWithPropertyName(property)!.databaseName,
      value,
    ]),
  );
  const params: unknown[] = [
    write.taskId,
    write.readVersion,
    write.at,
    JSON.stringify(patch),
    write.history.change,
    JSON.stringify(write.history.details),
    write.history.cause.actorId ?? null,
    write.history.cause.correlationId,
  ];
  const ctes = [
    `applied AS (
    UPDATE ${task.tableName} SET ${columns.map((column) => `${column} = patch.${column}, `).join('')}version = ${task.tableName}.version + 1, updated_at = $3::timestamptz
    FROM jsonb_populate_record(NULL::${task.tableName}, $4::jsonb) AS patch
    WHERE ${task.tableName}.id = $1::uuid AND ${task.tableName}.version = $2::int
    RETURNING ${task.tableName}.id
  )`,
    `history AS (
    INSERT INTO ${history} (task_id, change, details, actor_id, correlation_id, at)
    SELECT id, $5::text, $6::jsonb, $7::uuid, $8::text, $3::timestamptz FROM applied
  )`,
  ];
  if (write.entry) {
    const entry = dataSource.getMetadata(write.entry.target);
    const names = entry.columns.map((column) => `"${column.databaseName}"`);
    params.push(
      JSON.stringify(
        Object.fromEntries(
          entry.columns.map((column) => [column.databaseName, column.getEntityValue(write.entry!.value)]),
        ),
      ),
    );
    ctes.push(`entry AS (
    INSERT INTO ${entry.tableName} (${names.join(', ')})
    SELECT ${names.map((name) => `row.${name}`).join(', ')} FROM applied, jsonb_populate_record(NULL::${entry.tableName}, $9::jsonb) AS row
  )`);
  }
  return { sql: ctes.join(',\n  '), params };
}

/**
 * A task in the caller's organisation, read with one plain SELECT and hydrated column by column:
 * on the accept path, findOne's query building and result transformation cost more CPU than the query.
 */
export async function readOwnTask(dataSource: DataSource, taskId: string, orgId: string): Promise<Task | null> {
  const task = dataSource.getMetadata(Task);
  const [row] = await preparedQuery(
    dataSource.manager,
    `SELECT ${task.columns.map((column) => `"${column.databaseName}"`).join(', ')} FROM ${task.tableName} WHERE id = $1 AND org_id = $2`,
    [taskId, orgId],
  );
  if (!row) return null;
  const entity = task.create() as Task;
  for (const column of task.columns)
    column.setEntityValue(entity, dataSource.driver.prepareHydratedValue(row[column.databaseName], column));
  return entity;
}
