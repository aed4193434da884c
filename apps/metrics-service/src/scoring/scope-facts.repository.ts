import { EntityManager } from 'typeorm';
import { CommonTableExpressions } from '@throughline/messaging';
import { addFacts, emptyFacts, FACT_KEYS, FactVector, isZeroFacts, ScopeKind } from './alignment-formula';

export interface ScopeRef {
  scope: ScopeKind;
  id: string;
}

const column = (key: string) => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
/** The scope_facts column of each fact. */
export const FACT_COLUMNS = FACT_KEYS.map(column);
const SCOPE_ORDER: Record<ScopeKind, number> = { goal: 0, manager: 1, org_unit: 2, organisation: 3 };

export function scopeKey(ref: ScopeRef): string {
  return `${ref.scope}:${ref.id}`;
}

/** Sorted, without duplicates: every transaction touches fact rows in one order, so they never deadlock. */
export function orderedScopes(refs: ScopeRef[]): ScopeRef[] {
  const unique = new Map(refs.map((ref) => [scopeKey(ref), ref]));
  return [...unique.values()].sort((a, b) => SCOPE_ORDER[a.scope] - SCOPE_ORDER[b.scope] || a.id.localeCompare(b.id));
}

/**
 * Facts added during a run, kept in memory and written when the run is scored: one set-based
 * upsert of the summed deltas per batch instead of one statement per contribution. Rows are
 * written in one sorted order, so concurrent batches never deadlock on them.
 */
export class PendingFacts {
  private readonly deltas = new Map<string, { ref: ScopeRef; delta: FactVector }>();

  /**
   * Adds a delta to every scope given; returns the scopes it changed (none for a zero delta).
   * Unsorted: it runs for every contribution, and the rows are ordered once, when written.
   */
  add(scopes: ScopeRef[], delta: FactVector): ScopeRef[] {
    if (scopes.length === 0 || isZeroFacts(delta)) return [];
    const changed = new Map<string, ScopeRef>();
    for (const ref of scopes) {
      const key = scopeKey(ref);
      if (changed.has(key)) continue;
      const pending = this.deltas.get(key);
      this.deltas.set(key, { ref, delta: pending ? addFacts(pending.delta, delta) : delta });
      changed.set(key, ref);
    }
    return [...changed.values()];
  }

  /** The goals whose facts this run changed and has not written yet. */
  changedGoalIds(): string[] {
    return [...this.deltas.values()].filter((entry) => entry.ref.scope === 'goal').map((entry) => entry.ref.id);
  }

  /** What this run added to a scope and has not written yet. */
  of(ref: ScopeRef): FactVector {
    return this.deltas.get(scopeKey(ref))?.delta ?? emptyFacts();
  }

  /**
   * The summed deltas' write as a part of a statement that writes other things too (a scope whose
   * deltas cancelled out still gets its row, as when they were written one by one); answers them.
   */
  writeInto(parts: CommonTableExpressions, orgId: string): Array<{ ref: ScopeRef; delta: FactVector }> {
    if (this.deltas.size === 0) return [];
    const rows = orderedScopes([...this.deltas.values()].map((entry) => entry.ref)).map((ref) =>
      this.deltas.get(scopeKey(ref))!,
    );
    this.deltas.clear();
    const scopes = parts.param(rows.map((row) => row.ref.scope));
    const ids = parts.param(rows.map((row) => row.ref.id));
    const org = parts.param(orgId);
    const deltas = FACT_KEYS.map((key) => `${parts.param(rows.map((row) => row.delta[key]))}::bigint[]`);
    parts.add(
      'facts_written',
      `INSERT INTO scope_facts (scope, scope_id, org_id, ${FACT_COLUMNS.join(', ')})
       SELECT s.scope, s.scope_id, ${org}::uuid, ${FACT_COLUMNS.map((name) => `s.${name}`).join(', ')}
       FROM unnest(${scopes}::text[], ${ids}::uuid[], ${deltas.join(', ')})
         WITH ORDINALITY AS s(scope, scope_id, ${FACT_COLUMNS.join(', ')}, position)
       ORDER BY s.position
       ON CONFLICT (scope, scope_id) DO UPDATE SET ${FACT_COLUMNS.map((name) => `${name} = scope_facts.${name} + EXCLUDED.${name}`).join(', ')}`,
    );
    return rows;
  }
}

export async function readFacts(tx: EntityManager, ref: ScopeRef): Promise<FactVector> {
  const [row] = await tx.query(
    `SELECT ${FACT_COLUMNS.join(', ')} FROM scope_facts WHERE scope = $1 AND scope_id = $2`,
    [ref.scope, ref.id],
  );
  return row ? factsFromRow(row) : emptyFacts();
}

export function factsFromRow(row: Record<string, string | number>): FactVector {
  return Object.fromEntries(FACT_KEYS.map((key) => [key, Number(row[column(key)] ?? 0)])) as unknown as FactVector;
}

export function factsFromJson(json: Partial<FactVector> | null | undefined): FactVector {
  return { ...emptyFacts(), ...(json ?? {}) };
}
