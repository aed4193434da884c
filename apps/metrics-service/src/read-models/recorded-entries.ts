import { EntityManager } from 'typeorm';

/** A table of entries (costs, hours) keyed by `entry_id`: its columns, their SQL types, and an entry's values in that order. */
export interface EntryTable<Entry> {
  table: string;
  columns: Array<[name: string, type: string]>;
  values(entry: Entry, orgId: string): unknown[];
}

interface Recorded {
  /** Entry ids already inserted (or found) by a look-ahead in this transaction. */
  covered: Set<string>;
  /** Of those, the ones this transaction inserted and no event has counted yet. */
  fresh: Set<string>;
}

const recorded = new WeakMap<EntityManager, Map<string, Recorded>>();

/**
 * Whether an entry is new: inserted now, and counted by the first event that carries it (a
 * redelivered entry under another event id counts nothing). The first entry of a table the
 * transaction meets inserts every entry of that table its events carry (`ahead`), in one statement.
 */
export async function recordedFirstTime<Entry extends { entryId: string }>(
  tx: EntityManager,
  orgId: string,
  entries: EntryTable<Entry>,
  entry: Entry,
  ahead: Entry[],
): Promise<boolean> {
  const byTable = recorded.get(tx) ?? new Map<string, Recorded>();
  recorded.set(tx, byTable);
  const state = byTable.get(entries.table) ?? { covered: new Set<string>(), fresh: new Set<string>() };
  byTable.set(entries.table, state);
  if (!state.covered.has(entry.entryId)) {
    const batch: Entry[] = [];
    for (const candidate of [entry, ...ahead])
      if (!state.covered.has(candidate.entryId)) {
        state.covered.add(candidate.entryId);
        batch.push(candidate);
      }
    const rows = batch.map((candidate) => entries.values(candidate, orgId));
    const names = entries.columns.map(([name]) => name).join(', ');
    const inserted: Array<{ entry_id: string }> = await tx.query(
      `INSERT INTO ${entries.table} (${names})
       SELECT ${names} FROM unnest(${entries.columns.map(([, type], index) => `$${index + 1}::${type}[]`).join(', ')}) WITH ORDINALITY AS e(${names}, position)
       ORDER BY position ON CONFLICT (entry_id) DO NOTHING RETURNING entry_id`,
      entries.columns.map((_, column) => rows.map((row) => row[column])),
    );
    for (const row of inserted) state.fresh.add(row.entry_id);
  }
  return state.fresh.delete(entry.entryId);
}
