/**
 * Deliberate crashes for the fault-injection suite, set by THROUGHLINE_FAULTS, e.g.
 * `consumer-kill-after-commit=40,relay-kill-after-publish=3`: the process kills itself with
 * SIGKILL right after the Nth consumer commit (before the offset is committed) or the Nth
 * relay publish (before the rows are marked). Refused when NODE_ENV=production.
 */
export interface FaultPlan {
  consumerKillAfterCommit?: number;
  relayKillAfterPublish?: number;
}

export function faultPlan(spec: string | undefined, production: boolean): FaultPlan {
  if (!spec?.trim()) return {};
  if (production) throw new Error('THROUGHLINE_FAULTS is refused when NODE_ENV=production.');
  const plan: FaultPlan = {};
  for (const item of spec.split(',')) {
    const [name, value] = item.split('=').map((part) => part.trim());
    const count = Number(value);
    if (!Number.isInteger(count) || count < 1) throw new Error(`THROUGHLINE_FAULTS: ${item} needs a positive count`);
    if (name === 'consumer-kill-after-commit') plan.consumerKillAfterCommit = count;
    else if (name === 'relay-kill-after-publish') plan.relayKillAfterPublish = count;
    else throw new Error(`THROUGHLINE_FAULTS: unknown fault ${name}`);
  }
  return plan;
}

/** A hook that SIGKILLs this process the Nth time it runs (never, without a count). */
export function killOnNthCall(count: number | undefined): (() => void) | undefined {
  if (!count) return undefined;
  let calls = 0;
  return () => {
    if (++calls === count) process.kill(process.pid, 'SIGKILL');
  };
}
