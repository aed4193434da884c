import { SeededOrganisation, seedThroughExecution } from './org-seed';
import { nowMs, round } from './stats';
import { BenchSystem } from './system';

export interface BenchContext {
  system: BenchSystem;
  quick: boolean;
  log(line: string): void;
  /** The organisation the load scenarios update, seeded once per run. */
  organisation(): Promise<SeededOrganisation>;
}

export type Scenario<R> = (context: BenchContext) => Promise<R>;

export function createContext(system: BenchSystem, quick: boolean, log: (line: string) => void): BenchContext {
  let seeded: Promise<SeededOrganisation> | undefined;
  return {
    system,
    quick,
    log,
    organisation: () => {
      // Enough tasks that no task needs two updates at once even when execution falls far behind.
      const size = quick
        ? { goals: 20, tasksPerGoal: 10, managers: 5 }
        : { goals: 100, tasksPerGoal: 10, managers: 20 };
      seeded ??= (async () => {
        const started = nowMs();
        const org = await seedThroughExecution(system, size);
        log(
          `seeded an organisation of ${org.tasks.length} tasks through execution in ${round((nowMs() - started) / 1000, 1)} s`,
        );
        return org;
      })();
      return seeded;
    },
  };
}

export function log(line: string): void {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
}

/** `npx tsx bench/<scenario>.ts [--quick]`: starts the system (or uses BENCH_*), runs one scenario, prints its figures. */
export function runStandalone<R>(name: string, scenario: Scenario<R>): void {
  const quick = process.argv.includes('--quick');
  const system = new BenchSystem({ quick });
  (async () => {
    try {
      await system.start(log);
      const result = await scenario(createContext(system, quick, log));
      console.log(JSON.stringify({ [name]: result }, null, 2));
    } finally {
      await system.stop();
    }
  })().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
