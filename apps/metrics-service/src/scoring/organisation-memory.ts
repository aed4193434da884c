import { Injectable, OnModuleDestroy, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Gauge } from 'prom-client';
import { envSlice } from '@throughline/config';
import { MessagingRuntime, TransactionSource } from '@throughline/messaging';
import { metricsEnvSchema } from '../metrics-service.config';
import { alertKey, AlertToClear, AlertToRaise } from './alert.rules';
import { addFacts, FactVector, Score } from './alignment-formula';
import { ScopeRef, scopeKey } from './scope-facts.repository';
import { VersionedSettings } from './settings.repository';
import { TaskRows } from './task-rows';

/** A score as stored: what a rescoring compares the new one with. */
/**
 * Most of an organisation's waiting events applied in one transaction, live and in a rebuild. The
 * owner holds the organisation in memory, so the more events share a transaction, the fewer times
 * a task row, a scope's facts and its score are written: a backlog of 20,000 reports drained at
 * about 6,000 events/s with 1,000 and about 10,000 with 5,000 (docs/benchmarks.md).
 */
export const EVENTS_PER_TRANSACTION = 5_000;

export interface StoredScore {
  score: number;
  band: Score['band'];
  components: Score['components'];
  drivers: Score['drivers'];
  settingsVersion: number;
  /** The facts it was computed from (null for a score stored before they were kept). */
  facts: FactVector | null;
}

/** An open goal's period, which its forecast alerts are judged against. */
export interface GoalPeriod {
  start: string;
  end: string;
}

/** A scope's name, facts and stored score: what rescoring it starts from. */
export interface ScopeState {
  name: string;
  facts: FactVector;
  current: StoredScore | null;
  openGoalPeriod: GoalPeriod | null;
}

/**
 * What the owner of an organisation knows of it between batches, so a batch reads only what it
 * has not seen: the tasks it reported on, the chains their work rolls up through, the rows it made
 * sure of, the settings, each rescored scope's name, facts and score, and its key-result and risk
 * rankings. It is used only while
 * the organisation's clock row still carries the stamp of the run that last used it (see
 * `ScoringEngine.begin`): a run that rolled back, or any run elsewhere (another instance after a
 * rebalance, a time pass, a settings change, a rebuild's switch), leaves another stamp, and the
 * memory is dropped and read again.
 */
export class OrganisationMemory {
  /** The stamp the last run using this memory wrote on the organisation's clock row. */
  stamp: string | null = null;
  /** The partition whose events last used it: let go when the partition is assigned elsewhere. */
  source?: TransactionSource;
  readonly tasks = new TaskRows();
  /** Aggregates whose row (placeholder or real) exists, as `kind:id`: rows are never deleted. */
  readonly ensured = new Set<string>();
  /** Task chains by goal and manager; emptied when a strategy or organisation event may have moved one. */
  readonly taskChains = new Map<string, ScopeRef[]>();
  settings?: VersionedSettings;
  /** Scopes rescored before, by `scopeKey`; emptied when a strategy or organisation event may have renamed or moved one. */
  readonly scopes = new Map<string, ScopeState>();
  /** The key-result and risk driver rankings of scopes, by `kind:id:ranking`; emptied when a key result or risk is recounted. */
  readonly rankings = new Map<string, unknown[]>();
  /** Whether the organisation has weighted goal links (unknown until a run asks); forgotten with the structure. */
  weightedLinks?: boolean;
  /** The conditions with an open alert (`alertKey`), unknown until a run decides on alerts: only runs open and close them. */
  openAlerts?: Set<string>;

  constructor(readonly orgId: string) {}

  /** What it holds, for the size bound: tasks, chains, rows made sure of, scopes, rankings and open alerts. */
  get entries(): number {
    return (
      this.tasks.size +
      this.ensured.size +
      this.taskChains.size +
      this.scopes.size +
      this.rankings.size +
      (this.openAlerts?.size ?? 0)
    );
  }

  /** Forgets what a strategy or organisation event may change: chains, names, periods, rankings. */
  forgetStructure(): void {
    this.taskChains.clear();
    this.scopes.clear();
    this.rankings.clear();
    this.weightedLinks = undefined;
  }

  /** Fact deltas just written to `scope_facts`: the scopes held follow them. */
  factsWritten(rows: Array<{ ref: ScopeRef; delta: FactVector }>): void {
    for (const { ref, delta } of rows) {
      const state = this.scopes.get(scopeKey(ref));
      if (state) state.facts = addFacts(state.facts, delta);
    }
  }

  /** Alerts just opened and closed: the open ones follow them. */
  alertsWritten({ raise, clear }: { raise: Array<{ alert: AlertToRaise }>; clear: AlertToClear[] }): void {
    for (const { alert } of raise) this.openAlerts?.add(alertKey(alert));
    for (const entry of clear) this.openAlerts?.delete(alertKey(entry));
  }

  /** Scores just stored: the scopes held carry them as the score to compare the next one with. */
  scoresStored(rows: Array<{ ref: ScopeRef; score: StoredScore }>): void {
    for (const { ref, score } of rows) {
      const state = this.scopes.get(scopeKey(ref));
      if (state) state.current = score;
    }
  }
}

const instances = new Set<OrganisationMemories>();

new Gauge({
  name: 'throughline_metrics_memory_entries',
  help: 'Entries (tasks, scopes, chains, rows made sure of) metrics holds in memory between batches, over the organisations it owns',
  collect() {
    this.set([...instances].reduce((sum, memories) => sum + memories.entries, 0));
  },
});

new Gauge({
  name: 'throughline_metrics_memory_organisations',
  help: 'Organisations metrics holds in memory between batches',
  collect() {
    this.set([...instances].reduce((sum, memories) => sum + memories.organisations, 0));
  },
});

/**
 * The memories of the organisations this instance owns, least recently used first: bounded by
 * `METRICS_MEMORY_MAX_ENTRIES` (the idle organisations go first), let go of when their partition
 * is assigned elsewhere, and reported as gauges on `/metrics`.
 */
@Injectable()
export class OrganisationMemories implements OnModuleDestroy {
  private readonly held = new Map<string, OrganisationMemory>();
  private readonly maxEntries: number;
  private heldEntries = 0;

  /** Without configuration (a test assembling only the handlers), the default bound; without messaging, no rebalances. */
  constructor(@Optional() config?: ConfigService, @Optional() messaging?: MessagingRuntime) {
    this.maxEntries = (
      config ? envSlice(metricsEnvSchema, config) : metricsEnvSchema.parse({})
    ).METRICS_MEMORY_MAX_ENTRIES;
    messaging?.onAssignment((assignment) => this.assigned(assignment));
    instances.add(this);
  }

  get organisations(): number {
    return this.held.size;
  }

  get entries(): number {
    return this.heldEntries;
  }

  /** Takes an organisation's memory out for a run (a new one if none is held): only one run uses it at a time. */
  take(orgId: string): OrganisationMemory {
    const memory = this.held.get(orgId);
    if (!memory) return new OrganisationMemory(orgId);
    this.held.delete(orgId);
    this.heldEntries -= memory.entries;
    return memory;
  }

  /**
   * Puts a memory back after its run, as the most recently used; the least recently used go
   * beyond the bound. An organisation larger than the bound alone keeps all but its tasks, if
   * that fits.
   */
  keep(memory: OrganisationMemory): void {
    this.take(memory.orgId);
    if (memory.entries > this.maxEntries) memory.tasks.forget();
    const entries = memory.entries;
    if (entries > this.maxEntries) return;
    this.held.set(memory.orgId, memory);
    this.heldEntries += entries;
    for (const [orgId, idle] of this.held) {
      if (this.heldEntries <= this.maxEntries) break;
      this.held.delete(orgId);
      this.heldEntries -= idle.entries;
    }
  }

  /** After a rebalance: organisations whose partition this instance no longer owns are let go. */
  private assigned(assignment: Readonly<Record<string, number[]>>): void {
    for (const [orgId, memory] of this.held) {
      const source = memory.source;
      if (source && assignment[source.topic]?.includes(source.partition)) continue;
      this.held.delete(orgId);
      this.heldEntries -= memory.entries;
    }
  }

  onModuleDestroy(): void {
    instances.delete(this);
  }
}
