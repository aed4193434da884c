import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from './stats';

/** What a service preloaded with pg-count-preload.js has sent PostgreSQL so far. */
export interface StatementCount {
  signals: number;
  statements: number;
  /** By the statements' first words. */
  kinds: Record<string, number>;
  /** Each kind's ms in all, from sending to the answer. */
  kindsMs: Record<string, number>;
}

export const PG_COUNT_PRELOAD = join(__dirname, 'pg-count-preload.js');

/** The environment that has a (re)started service count its statements into `file`. */
export function countingEnv(file: string): Record<string, string> {
  return { NODE_OPTIONS: `--require ${PG_COUNT_PRELOAD}`, BENCH_PG_COUNT: file };
}

/**
 * Asks the service counting into `file` for its count so far: each SIGWINCH has it write the count
 * with the number of signals it has had, which tells this answer from the last one. `what` names
 * the service when it does not answer.
 */
export function statementCounter(file: string, what: string): () => Promise<StatementCount> {
  let signals = 0;
  return async () => {
    signals += 1;
    process.kill(Number(readFileSync(`${file}.pid`, 'utf8')), 'SIGWINCH');
    for (let waited = 0; waited < 10_000; waited += 10) {
      const seen = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8') || '{}') : {};
      if (seen.signals === signals) return seen;
      await sleep(10);
    }
    throw new Error(`${what} did not report its statement count`);
  };
}
