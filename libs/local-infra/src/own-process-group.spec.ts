import { spawn } from 'node:child_process';
import { once } from 'node:events';

/**
 * A supervisor as `npm start` is one: it starts a "database" (a child that says which signal
 * reached it) and, asked to stop, stops it last. Started as a terminal starts a command, at the
 * head of a process group of its own, so a Ctrl-C can be sent to the whole group.
 */
function startSupervisor() {
  const script = `
    const { spawn } = require('node:child_process');
    const { superviseInOwnProcessGroup } = require(${JSON.stringify(require.resolve('./own-process-group'))});
    let database;
    const stop = () => {
      console.log('supervisor stopping');
      database.once('exit', () => { console.log('supervisor stopped'); process.exit(0); });
      database.kill('SIGTERM');
    };
    if (superviseInOwnProcessGroup(stop)) {
      database = spawn(process.execPath, ['-e', \`
        for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => { console.log('database got ' + signal); process.exit(0); });
        setInterval(() => undefined, 1000);
        console.log('database up');
      \`], { stdio: ['ignore', 'inherit', 'inherit'] });
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    }
  `;
  const launcher = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  launcher.stdout!.on('data', (chunk) => (output += chunk));
  launcher.stderr!.on('data', (chunk) => (output += chunk));
  const printed = async (text: string) => {
    const deadline = Date.now() + 10_000;
    while (!output.includes(text)) {
      if (Date.now() > deadline) throw new Error(`"${text}" not printed; the processes printed:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  started.push(launcher);
  return { launcher, printed, output: () => output };
}

const started: ReturnType<typeof spawn>[] = [];

// A failed run may leave a process holding the pipes: let go of them, so jest can end.
afterEach(() => {
  for (const launcher of started.splice(0)) {
    launcher.stdout!.destroy();
    launcher.stderr!.destroy();
  }
});

describe('superviseInOwnProcessGroup', () => {
  it("keeps a terminal's Ctrl-C from the supervisor's children: the supervisor stops them itself, and the launcher exits with it", async () => {
    const { launcher, printed, output } = startSupervisor();
    await printed('database up');
    process.kill(-launcher.pid!, 'SIGINT');
    const [code] = (await once(launcher, 'exit')) as [number | null];
    await printed('supervisor stopped');
    expect(code).toBe(0);
    expect(output().trim().split('\n')).toEqual([
      'database up',
      'supervisor stopping',
      'database got SIGTERM',
      'supervisor stopped',
    ]);
  }, 30_000);

  it('stops the supervisor when its launcher is killed outright', async () => {
    const { launcher, printed, output } = startSupervisor();
    await printed('database up');
    launcher.kill('SIGKILL');
    await printed('supervisor stopped');
    expect(output()).toContain('database got SIGTERM');
    expect(output()).not.toContain('SIGINT');
  }, 30_000);
});
