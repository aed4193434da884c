import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../../..');

/** Compiles the services once (dist/), so tests can run them as real, killable processes. */
export function buildServices(): void {
  const result = spawnSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')],
    { cwd: root, encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`Building the services failed:\n${result.stdout}${result.stderr}`);
}

export interface ServiceProcessOptions {
  /** e.g. execution-service */
  service: string;
  port: number;
  env: Record<string, string>;
  /** Like an orchestrator: start it again whenever it dies, until stopped. */
  restartOnExit?: boolean;
  /** Environment for every start until the process has once been SIGKILLed (a fault that strikes once). */
  untilKilledEnv?: Record<string, string>;
}

/** One service instance as an operating-system process: started, killed and restarted by tests. */
export class ServiceProcess {
  private child?: ChildProcess;
  private stopped = false;
  private starts = 0;
  readonly exits: Array<{ code: number | null; signal: NodeJS.Signals | null; lastOutput: string }> = [];
  readonly output: string[] = [];

  constructor(private readonly options: ServiceProcessOptions) {}

  /** e.g. "metrics-service on port 41234", for failure messages. */
  get name(): string {
    return `${this.options.service} on port ${this.options.port}`;
  }

  get url(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  /** The running process's id (undefined between a death and its restart), e.g. to read its CPU time. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get restarts(): number {
    return Math.max(0, this.starts - 1);
  }

  start(): void {
    const killedBefore = this.exits.some((exit) => exit.signal === 'SIGKILL');
    const env = {
      ...process.env,
      ...this.options.env,
      ...(killedBefore ? {} : this.options.untilKilledEnv),
      PORT: String(this.options.port),
    };
    this.starts++;
    const child = spawn(
      process.execPath,
      [
        '-r',
        join(root, 'tools/runtime-paths.js'),
        join(root, 'dist/apps', this.options.service, 'src/main.js'),
        'serve',
      ],
      { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const keep = (chunk: Buffer) => {
      this.output.push(chunk.toString());
      if (this.output.length > 200) this.output.shift();
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.once('exit', (code, signal) => {
      this.exits.push({ code, signal, lastOutput: this.output.join('').slice(-3000) });
      if (this.child === child) this.child = undefined;
      if (!this.stopped && this.options.restartOnExit) this.start();
    });
    this.child = child;
  }

  async waitReady(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      try {
        if ((await fetch(`${this.url}/health/ready`)).ok) return;
      } catch {
        // not up yet
      }
      await new Promise((done) => setTimeout(done, 100));
    }
    throw new Error(`${this.name} not ready within ${timeoutMs} ms:\n${this.output.slice(-20).join('')}`);
  }

  /** SIGTERM, as an orchestrator does on a rolling restart: the service shuts down gracefully (and is restarted if so configured). */
  terminate(): void {
    this.child?.kill('SIGTERM');
  }

  /** SIGKILL: no shutdown hooks, no goodbye. */
  kill(): void {
    this.child?.kill('SIGKILL');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const child = this.child;
    if (!child) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }
}
