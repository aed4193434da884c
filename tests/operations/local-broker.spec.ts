import { join } from 'node:path';
import { runScriptProcess, waitFor } from '@throughline/testing';

const root = join(__dirname, '../..');

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the local Kafka broker', () => {
  it('dies with the process that started it, also when that process never stopped it', async () => {
    // A process that starts a broker, prints its pid and exits without stopping it: a test whose clean-up timed out.
    const script = `require(${JSON.stringify(join(root, 'libs/local-infra/src/kafka-broker'))}).startKafkaBroker().then((broker) => { console.log('broker ' + broker.pid); process.exit(0); }, (error) => { console.error(error); process.exit(1); });`;
    const { exitCode, output } = await runScriptProcess(script);
    const pid = Number(/broker (\d+)/.exec(output)?.[1]);
    expect({ exitCode, started: Number.isInteger(pid) }).toEqual({ exitCode: 0, started: true });
    try {
      await waitFor(() => !running(pid), { timeoutMs: 10_000, what: `the broker (pid ${pid}) to end with its owner` });
    } finally {
      if (running(pid)) process.kill(pid, 'SIGKILL');
    }
  }, 90_000);
});
