export interface ShutdownStep {
  name: string;
  run: () => unknown;
}

export type ShutdownOutcome =
  | { name: string; outcome: 'done' }
  | { name: string; outcome: 'failed'; error: unknown }
  | { name: string; outcome: 'unfinished' };

/**
 * Runs independent shutdown steps together within one deadline, and says how each ended. Together,
 * so one that never ends (a kafkajs disconnect stuck on a returning broker) cannot keep another
 * from giving back what it holds (a pooled connection the pool's end would wait for for ever);
 * once the deadline passes, the caller goes on shutting down. Framework-free.
 */
export async function runWithinDeadline(steps: ShutdownStep[], deadlineMs: number): Promise<ShutdownOutcome[]> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((resolve) => {
    timer = setTimeout(() => resolve('expired'), deadlineMs);
  });
  const outcomes: Array<ShutdownOutcome | undefined> = steps.map(() => undefined);
  const running = steps.map((step, index) =>
    Promise.resolve()
      .then(step.run)
      .then(
        (): ShutdownOutcome => ({ name: step.name, outcome: 'done' }),
        (error): ShutdownOutcome => ({ name: step.name, outcome: 'failed', error }),
      )
      .then((outcome) => void (outcomes[index] = outcome)),
  );
  try {
    await Promise.race([Promise.all(running), expired]);
  } finally {
    clearTimeout(timer);
  }
  return outcomes.map((outcome, index) => outcome ?? { name: steps[index].name, outcome: 'unfinished' });
}
