/**
 * Reporting lines and the org-unit tree of one organisation, as plain data: who reports to
 * whom, who sits in which unit, which unit is below which. Framework-free, so every service
 * decides "is X below Y" the same way from its own copy of the directory.
 *
 * Both hierarchies are walked with a visited set, so a cycle in the data (which the
 * directory refuses, but a consumer's copy might briefly hold) never loops.
 */
export interface PersonLine {
  personId: string;
  reportsToId: string | null;
  orgUnitId: string | null;
}

export interface UnitLine {
  orgUnitId: string;
  parentOrgUnitId: string | null;
}

export class ReportingLines {
  private readonly people = new Map<string, PersonLine>();
  private readonly reportsOf = new Map<string, string[]>();
  private readonly parentOf = new Map<string, string | null>();
  private readonly childrenOf = new Map<string, string[]>();

  constructor(people: Iterable<PersonLine>, units: Iterable<UnitLine>) {
    for (const person of people) {
      this.people.set(person.personId, person);
      if (person.reportsToId) push(this.reportsOf, person.reportsToId, person.personId);
    }
    for (const unit of units) {
      this.parentOf.set(unit.orgUnitId, unit.parentOrgUnitId);
      if (unit.parentOrgUnitId) push(this.childrenOf, unit.parentOrgUnitId, unit.orgUnitId);
    }
  }

  /** The unit a person sits in, or null when they have none or are unknown. */
  unitOf(personId: string): string | null {
    return this.people.get(personId)?.orgUnitId ?? null;
  }

  /** The leader and everyone reporting to them, directly or not. */
  reportingSubtree(leaderId: string): Set<string> {
    return walk(leaderId, (id) => this.reportsOf.get(id) ?? []);
  }

  /** True when `personId` is `leaderId` or reports to them, directly or not. */
  isInReportingSubtree(personId: string, leaderId: string): boolean {
    return this.chainAbove(personId, (id) => this.people.get(id)?.reportsToId ?? null).includes(leaderId);
  }

  /** The unit and every unit below it. */
  unitSubtree(rootUnitId: string): Set<string> {
    return walk(rootUnitId, (id) => this.childrenOf.get(id) ?? []);
  }

  /** True when `unitId` is `rootUnitId` or lies below it. */
  isUnitWithin(unitId: string, rootUnitId: string): boolean {
    return this.unitsAbove(unitId).includes(rootUnitId);
  }

  /** The unit itself, then its parent, up to the root. */
  unitsAbove(unitId: string): string[] {
    return this.chainAbove(unitId, (id) => this.parentOf.get(id) ?? null);
  }

  private chainAbove(startId: string, parent: (id: string) => string | null): string[] {
    const chain: string[] = [];
    const seen = new Set<string>();
    for (let id: string | null = startId; id !== null && !seen.has(id); id = parent(id)) {
      seen.add(id);
      chain.push(id);
    }
    return chain;
  }
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function walk(rootId: string, below: (id: string) => readonly string[]): Set<string> {
  const seen = new Set<string>([rootId]);
  const queue = [rootId];
  while (queue.length > 0) {
    for (const next of below(queue.pop() as string)) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}
