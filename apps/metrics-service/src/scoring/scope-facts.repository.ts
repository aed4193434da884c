import { EntityManager } from 'typeorm';
import { emptyFacts, FACT_KEYS, FactVector, isZeroFacts, ScopeKind } from './alignment-formula';

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

const UPSERT = `
  INSERT INTO scope_facts (scope, scope_id, org_id, ${FACT_COLUMNS.join(', ')})
  SELECT s.scope, s.scope_id, $3, ${FACT_COLUMNS.map((_, index) => `$${index + 4}::bigint`).join(', ')}
  FROM unnest($1::text[], $2::uuid[]) WITH ORDINALITY AS s(scope, scope_id, position)
  ORDER BY s.position
  ON CONFLICT (scope, scope_id) DO UPDATE SET ${FACT_COLUMNS.map((name) => `${name} = scope_facts.${name} + EXCLUDED.${name}`).join(', ')}`;

/** Adds a delta to the facts of every scope given, in one statement. */
export async function addToScopes(
  tx: EntityManager,
  orgId: string,
  scopes: ScopeRef[],
  delta: FactVector,
): Promise<ScopeRef[]> {
  if (isZeroFacts(delta) || scopes.length === 0) return [];
  const ordered = orderedScopes(scopes);
  await tx.query(UPSERT, [
    ordered.map((ref) => ref.scope),
    ordered.map((ref) => ref.id),
    orgId,
    ...FACT_KEYS.map((key) => delta[key]),
  ]);
  return ordered;
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
