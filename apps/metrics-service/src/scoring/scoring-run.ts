import { EntityManager } from 'typeorm';
import { EventContext } from '@throughline/messaging';
import { OrganisationMemory } from './organisation-memory';
import { PendingFacts, ScopeRef, scopeKey } from './scope-facts.repository';

/**
 * One unit of work on an organisation's scores: an event being applied, a time pass or a
 * settings change. It collects the scopes whose facts changed and rescores only those.
 */
export interface ScoringRun {
  tx: EntityManager;
  orgId: string;
  /** The day scores are computed for: the latest day seen by events or passes, never the wall clock. */
  asOf: string;
  /** The time of the event being applied, or of the pass. */
  at: Date;
  /**
   * The latest of those times in the run, stored as the time of its history points and alerts:
   * a batch may apply an event of one topic after a later one of another.
   */
  scoredAt: Date;
  context: EventContext;
  dirty: Map<string, ScopeRef>;
  /** Fact deltas applied in memory, written once before the run is scored. */
  facts: PendingFacts;
  /** Key results checked in during the run, recounted once each when it finishes (a bulk upload brings thousands). */
  checkedIn: Set<string>;
  /** What is known of the organisation from earlier runs (empty when it could not be trusted), and what this run adds to it. */
  memory: OrganisationMemory;
}

/** Scopes to rescore when the run finishes. */
export function markDirty(run: ScoringRun, refs: ScopeRef[]): void {
  for (const ref of refs) run.dirty.set(scopeKey(ref), ref);
}
