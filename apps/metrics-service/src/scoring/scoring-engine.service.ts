import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import {
  beforeCommit,
  CommonTableExpressions,
  EventContext,
  preparedQuery,
  sourceOfTransaction,
} from '@throughline/messaging';
import { ScopeKind } from './alignment-formula';
import { ContributionLedger } from './contribution-ledger.service';
import { OrganisationMemories, OrganisationMemory } from './organisation-memory';
import { orderedScopes, PendingFacts } from './scope-facts.repository';
import { ScoreWriter } from './score-writer.service';
import { markDirty, ScoringRun } from './scoring-run';

/**
 * Runs a unit of work on an organisation's scores: begins it (the organisation's clock row and
 * day), lets the contribution ledger apply changes, and rescores what they touched at the end.
 * A consumer's runs carry the organisation's memory from one batch to the next.
 */
@Injectable()
export class ScoringEngine {
  private readonly openRuns = new WeakMap<EntityManager, Map<string, ScoringRun>>();

  constructor(
    private readonly ledger: ContributionLedger,
    private readonly writer: ScoreWriter,
    private readonly memories: OrganisationMemories,
  ) {}

  /**
   * Starts a run for an organisation, locking its clock row (one writer per organisation at a
   * time, always taken first) and moving its day forward to `at` if that is later. The row gets a
   * new stamp; `memory` is used only if the stamp it replaces is the one memory's last run wrote
   * (that run committed, and no other run did since), else the run starts from an empty one.
   */
  async begin(
    tx: EntityManager,
    orgId: string,
    at: Date,
    context: EventContext,
    memory?: OrganisationMemory,
  ): Promise<ScoringRun> {
    const day = at.toISOString().slice(0, 10);
    const stamp = randomUUID();
    const state = await this.lockAndStamp(tx, orgId, day, stamp);
    const current =
      memory && memory.stamp !== null && memory.stamp === state.previous_run_stamp
        ? memory
        : new OrganisationMemory(orgId);
    current.stamp = stamp;
    const run: ScoringRun = {
      tx,
      orgId,
      asOf: state.as_of,
      at,
      scoredAt: at,
      context,
      dirty: new Map(),
      facts: new PendingFacts(),
      checkedIn: new Set(),
      memory: current,
    };
    await this.advanceTo(run, day);
    return run;
  }

  /** The organisation's clock row, locked and stamped (made first if need be): its day and the stamp it carried. */
  private async lockAndStamp(
    tx: EntityManager,
    orgId: string,
    day: string,
    stamp: string,
  ): Promise<{ as_of: string; previous_run_stamp: string | null }> {
    const stampRow = async () => {
      const [row] = await preparedQuery<{ as_of: string; previous_run_stamp: string | null }>(
        tx,
        `UPDATE org_state SET previous_run_stamp = run_stamp, run_stamp = $2 WHERE org_id = $1
         RETURNING previous_run_stamp, to_char(as_of, 'YYYY-MM-DD') AS as_of`,
        [orgId, stamp],
      );
      return row;
    };
    const state = await stampRow();
    if (state) return state;
    await tx.query(`INSERT INTO org_state (org_id, as_of) VALUES ($1, $2) ON CONFLICT (org_id) DO NOTHING`, [
      orgId,
      day,
    ]);
    return (await stampRow())!;
  }

  /**
   * The organisation's run in a consumer transaction: the first event begins it and defers the
   * rescoring to the commit; later events of the same transaction join it, so a scope that
   * many of them touch is rescored (and its history point and event written) once.
   */
  async runInTransaction(tx: EntityManager, orgId: string, at: Date, context: EventContext): Promise<ScoringRun> {
    const runs = this.openRuns.get(tx) ?? new Map<string, ScoringRun>();
    this.openRuns.set(tx, runs);
    const open = runs.get(orgId);
    if (open) {
      Object.assign(open, { at, context, scoredAt: at > open.scoredAt ? at : open.scoredAt });
      await this.advanceTo(open, at.toISOString().slice(0, 10));
      return open;
    }
    const run = await this.begin(tx, orgId, at, context, this.memories.take(orgId));
    run.memory.source = sourceOfTransaction(tx);
    runs.set(orgId, run);
    beforeCommit(tx, async () => {
      await this.finish(run);
      // Kept for the next batch; should the commit still fail, the stamp the next run replaces tells.
      this.memories.keep(run.memory);
    });
    return run;
  }

  /** Moves the organisation's day forward, updating only what crossed a date on the way. */
  private async advanceTo(run: ScoringRun, day: string): Promise<void> {
    if (day <= run.asOf) return;
    run.asOf = day;
    await run.tx.query(`UPDATE org_state SET as_of = $2 WHERE org_id = $1`, [run.orgId, day]);
    await this.ledger.recontributeDue(run);
  }

  /** Rescores every scope whose facts changed in this run. */
  async finish(run: ScoringRun): Promise<void> {
    // From each key result's latest check-in: once per run however many came, in one order.
    for (const keyResultId of [...run.checkedIn].sort()) await this.ledger.recontributeKeyResult(run, keyResultId);
    run.checkedIn.clear();
    await this.writeBehind(run);
    // In kind order (goal, manager, org unit, organisation): an org unit's drivers read its managers' new scores.
    const scopes = orderedScopes([...run.dirty.values()]);
    run.dirty.clear();
    await this.writer.rescoreAndStore(run, scopes);
  }

  /** Rescores every scope of the organisation (after its settings changed): bounded by the number of scopes, not tasks. */
  async rescoreAll(run: ScoringRun): Promise<void> {
    await this.ledger.recontributeAllRisks(run);
    await this.writeBehind(run);
    const scopes: Array<{ scope: ScopeKind; scope_id: string }> = await run.tx.query(
      `SELECT scope, scope_id FROM scope_facts WHERE org_id = $1`,
      [run.orgId],
    );
    markDirty(run, [
      ...scopes.map((row) => ({ scope: row.scope, id: row.scope_id })),
      { scope: 'organisation', id: run.orgId },
    ]);
    await this.finish(run);
  }

  /**
   * What the run changed in memory written in one statement: its tasks, and its fact deltas passed
   * on through weighted goal links (the memory follows them). Rescoring reads both from the tables.
   */
  private async writeBehind(run: ScoringRun): Promise<void> {
    await this.ledger.rollUpWeightedLinks(run);
    const parts = new CommonTableExpressions();
    run.memory.tasks.writeInto(parts);
    const facts = run.facts.writeInto(parts, run.orgId);
    if (parts.statement) await preparedQuery(run.tx, parts.statement, parts.params);
    run.memory.factsWritten(facts);
  }
}
