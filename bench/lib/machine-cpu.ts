import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { round } from './stats';

/** CPU seconds (user and system) a process on this machine has used, from /proc (NaN if it cannot be read). */
export function processCpuSeconds(pid: number): number {
  try {
    // The fields after the command name, which is in parentheses and may hold spaces: utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** Linux's USER_HZ, 100 on every architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/** The application name a benchmark's PostgreSQL connections carry, so their backends' CPU is told apart. */
export function benchApplicationName(tag: string, part: string): string {
  return `bench-${tag}-${part}`;
}

/** The broker's process if it runs on this machine, the only one (else its CPU is not measured). */
export function brokerPid(): number | undefined {
  try {
    const pids = execFileSync('pgrep', ['-f', 'kafka\\.Kafka'], { encoding: 'utf8' }).trim().split('\n');
    return pids.length === 1 ? Number(pids[0]) : undefined;
  } catch {
    return undefined;
  }
}

/** CPU seconds the whole machine has spent busy (every core; idle and I/O wait left out), from /proc/stat. */
function machineBusySeconds(): number {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = ticks;
  return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS_PER_SECOND;
}

export interface CpuSnapshot {
  machine: number;
  /** CPU seconds so far by process (`pid:<n>`, or `self` for this benchmark) with the part of the system it is. */
  processes: Map<string, { part: string; seconds: number }>;
}

export interface MachineCpuParts {
  /** Processes of this machine by the part they are. */
  processes: Array<{ part: string; pid: number }>;
  /** Application name → part, for the PostgreSQL backends of each part's connections. */
  applicationNames: Map<string, string>;
  /** Lists the backends (pid, application name) of the PostgreSQL the parts use. */
  backends: () => Promise<Array<{ pid: number; application_name: string }>>;
}

/**
 * Where the machine's CPU goes, by part: each named process, the PostgreSQL backends of each
 * part's connections, the broker, this benchmark's process (the load's client). A backend opened
 * between two snapshots counts whole; one closed between them is missed (pools keep theirs open
 * while busy), and falls to the rest of the machine.
 */
export async function cpuSnapshot(parts: MachineCpuParts): Promise<CpuSnapshot> {
  const processes = new Map<string, { part: string; seconds: number }>();
  const add = (key: string, part: string, seconds: number) => {
    if (Number.isFinite(seconds)) processes.set(key, { part, seconds });
  };
  for (const { part, pid } of parts.processes) add(`pid:${pid}`, part, processCpuSeconds(pid));
  for (const { pid, application_name } of await parts.backends()) {
    const part = parts.applicationNames.get(application_name);
    if (part) add(`pid:${pid}`, `${part}'s PostgreSQL backends`, processCpuSeconds(pid));
  }
  const broker = brokerPid();
  if (broker) add(`pid:${broker}`, 'Kafka broker', processCpuSeconds(broker));
  const own = process.cpuUsage();
  add('self', 'benchmark (the load)', (own.user + own.system) / 1e6);
  return { machine: machineBusySeconds(), processes };
}

/**
 * CPU milliseconds per unit of work (an accepted update, a transaction) by part between two
 * snapshots, largest first; "rest of the machine" is what no part accounts for: PostgreSQL's
 * own background processes, the operating system, other users of a shared machine.
 */
export function cpuPerUnit(before: CpuSnapshot, after: CpuSnapshot, units: number): Record<string, number> {
  const perUnit = (seconds: number) => round((seconds * 1000) / Math.max(1, units), 3);
  const byPart = new Map<string, number>();
  for (const [key, { part, seconds }] of after.processes)
    byPart.set(part, (byPart.get(part) ?? 0) + seconds - (before.processes.get(key)?.seconds ?? 0));
  const parts = [...byPart];
  const named = parts.reduce((sum, [, seconds]) => sum + seconds, 0);
  const machine = after.machine - before.machine;
  return Object.fromEntries([
    ...parts.sort((a, b) => b[1] - a[1]).map(([part, seconds]) => [part, perUnit(seconds)]),
    ['rest of the machine', perUnit(Math.max(0, machine - named))],
    ['whole machine', perUnit(machine)],
  ]);
}
