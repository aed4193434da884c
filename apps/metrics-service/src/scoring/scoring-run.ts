import { EntityManager } from 'typeorm';
import { EventContext } from '@throughline/messaging';
import { PendingFacts, ScopeRef, scopeKey } from './scope-facts.repository';
import { VersionedSettings } from './settings.repository';
import { TaskRows } from './task-rows';

/**
 * One unit of work on an organisation's scores: an event being applied, a time pass or a
 * settings change. It collects the scopes whose facts changed and rescores only those.
 */
export interface ScoringRun {
  tx: EntityManager;
  orgId: string;
  /** The day scores are computed for: the latest day seen by events or passes, never the wall clock. */
  asOf: string;
  /** Stored as the time of history points and alerts: the event's time, or the pass's. */
  at: Date;
  context: EventContext;
  dirty: Map<string, ScopeRef>;
  /** Fact deltas applied in memory, written once before the run is scored. */
  facts: PendingFacts;
  /** Tasks held in memory while the run's events change them, written back before anything reads them from the table. */
  tasks: TaskRows;
  /** The organisation's settings and their version, read once per run (or set by a settings change). */
  settings?: VersionedSettings;
  /** Aggregates whose row (placeholder or real) this run has made sure of, as `kind:id`: rows are never deleted, so once per run is enough. */
  ensured: Set<string>;
  /** Task chains read in this run, by goal and manager; emptied when a strategy or organisation event may have moved one. */
  taskChains: Map<string, ScopeRef[]>;
}

/** Scopes to rescore when the run finishes. */
export function markDirty(run: ScoringRun, refs: ScopeRef[]): void {
  for (const ref of refs) run.dirty.set(scopeKey(ref), ref);
}
