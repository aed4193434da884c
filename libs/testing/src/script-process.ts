import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../../..');

/** Runs TypeScript in a process of its own (tsx, from the repository's root) and answers its exit code and output. */
export function runScriptProcess(script: string): Promise<{ exitCode: number | null; output: string }> {
  const child = spawn(join(root, 'node_modules/.bin/tsx'), ['-e', script], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((done) => child.once('exit', (exitCode) => done({ exitCode, output: output.trim() })));
}
