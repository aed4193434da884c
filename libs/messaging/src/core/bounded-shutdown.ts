export interface ShutdownStep {
  name: string;
  run: () => unknown;
}

export type ShutdownOutcome =
  | { name: string; outcome: 'done' }
  | { name: string; outcome: 'failed'; error: unknown }
  | { name: string; outcome: 'unfinished' };

/**
 * Runs shutdown steps one after the other within one deadline, and says how each ended. A step
 * that fails does not keep the next from running; once the deadline passes, the step running
 * and those after it are left unfinished (the caller goes on shutting down). Framework-free.
 */
export async function runWithinDeadline(steps: ShutdownStep[], deadlineMs: number): Promise<ShutdownOutcome[]> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((resolve) => {
    timer = setTimeout(() => resolve('expired'), deadlineMs);
  });
  const outcomes: ShutdownOutcome[] = [];
  try {
    for (const [index, step] of steps.entries()) {
      const ended = await Promise.race([
        Promise.resolve()
          .then(step.run)
          .then(
            (): ShutdownOutcome => ({ name: step.name, outcome: 'done' }),
            (error): ShutdownOutcome => ({ name: step.name, outcome: 'failed', error }),
          ),
        expired,
      ]);
      if (ended === 'expired')
        return [
          ...outcomes,
          ...steps.slice(index).map((left) => ({ name: left.name, outcome: 'unfinished' as const })),
        ];
      outcomes.push(ended);
    }
    return outcomes;
  } finally {
    clearTimeout(timer);
  }
}
