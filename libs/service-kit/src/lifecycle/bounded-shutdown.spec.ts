import { spawn } from 'node:child_process';
import { once } from 'node:events';

/** A Nest application in a process of its own, whose shutdown hook ends or never does; it says when it is up. */
function startApplication(hook: 'ends' | 'never ends'): ReturnType<typeof spawn> {
  const script = `
    require('reflect-metadata');
    const { Module } = require('@nestjs/common');
    const { NestFactory } = require('@nestjs/core');
    const { enableBoundedShutdown } = require(${JSON.stringify(require.resolve('./bounded-shutdown'))});
    class Hook { beforeApplicationShutdown() { return ${hook === 'ends' ? 'Promise.resolve()' : 'new Promise(() => {})'}; } }
    class App {}
    Module({ providers: [Hook] })(App);
    NestFactory.createApplicationContext(App, { logger: ['error'] }).then((app) => {
      enableBoundedShutdown(app, 300);
      setInterval(() => undefined, 1000); // what a server's socket does: keeps the process alive
      console.log('up');
    });
  `;
  return spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function stopped(hook: 'ends' | 'never ends') {
  const child = startApplication(hook);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  while (!output.includes('up')) await once(child.stdout!, 'data');
  child.kill('SIGTERM');
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  return { code, signal, output };
}

describe('enableBoundedShutdown', () => {
  it('lets a shutdown that ends finish as the signal it got', async () => {
    const { code, signal } = await stopped('ends');
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGTERM' });
  }, 30_000);

  it('exits with an error, and says so, when a shutdown hook never ends', async () => {
    const { code, signal, output } = await stopped('never ends');
    expect({ code, signal }).toEqual({ code: 1, signal: null });
    expect(output).toContain('still shutting down 0.3 s after SIGTERM; exiting');
  }, 30_000);
});
