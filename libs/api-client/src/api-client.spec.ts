import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const root = resolve(__dirname, '../../..');

describe('the typed API client', () => {
  it('is what the generator makes from the documents the services serve now (else: npm run api-client)', async () => {
    const run = promisify(execFile)(
      process.execPath,
      ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', 'tools/api-client.ts', '--check'],
      { cwd: root, env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' }, maxBuffer: 1 << 20 },
    );
    const { stdout } = await run.catch((failure: { stdout: string; stderr: string }) => {
      throw new Error(failure.stderr || failure.stdout);
    });
    expect(stdout).toContain('the committed client matches the services');
  }, 240_000);
});
