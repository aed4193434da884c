/**
 * What a NOTIFY in the writing transaction costs: raw PostgreSQL's "task row + outbox row"
 * transactions without and with `pg_notify` before COMMIT, alternated, beside the running services
 * (whose relays LISTEN). PostgreSQL serialises the commits of notifying transactions, which is why
 * the outbox no longer notifies in them (libs/messaging/src/core/after-commit.ts).
 * `npx tsx bench/commit-notify.ts [--quick] [--rounds N]`
 */
import { postgresBaseline } from './baselines';
import { BenchContext, runStandalone } from './lib/scenario';
import { median, round } from './lib/stats';

export interface CommitNotifyRound {
  plainPerSecond: number;
  notifyingPerSecond: number;
  notifyingOverPlain: number;
}

export async function commitNotify(
  context: BenchContext,
): Promise<{ connections: number; rounds: CommitNotifyRound[]; medianNotifyingOverPlain: number }> {
  const { quick, log } = context;
  const chosen = process.argv.indexOf('--rounds');
  const count = chosen >= 0 ? Number(process.argv[chosen + 1]) : quick ? 1 : 3;
  const connections = quick ? 8 : 32;
  const rounds: CommitNotifyRound[] = [];
  for (let index = 0; index < count; index++) {
    const plain = await postgresBaseline(context, connections);
    const notifying = await postgresBaseline(context, connections, { notify: true });
    const measured = {
      plainPerSecond: plain.transactionsPerSecond,
      notifyingPerSecond: notifying.transactionsPerSecond,
      notifyingOverPlain: round(notifying.transactionsPerSecond / plain.transactionsPerSecond, 2),
    };
    log(
      `round ${index + 1}: ${measured.plainPerSecond} tx/s plain, ${measured.notifyingPerSecond} with a NOTIFY (${measured.notifyingOverPlain})`,
    );
    rounds.push(measured);
  }
  return {
    connections,
    rounds,
    medianNotifyingOverPlain: median(rounds.map((entry) => entry.notifyingOverPlain)),
  };
}

if (require.main === module) runStandalone('commit-notify', commitNotify);
