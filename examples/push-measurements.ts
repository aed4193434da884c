/**
 * Pushes a file of key-result measurements (CSV with a header row, or NDJSON) to the strategy
 * service in one streamed request, as an ERP or BI export job would. The Idempotency-Key is the
 * file's SHA-256: run it again with the same file (a retry after a timeout, a job run twice) and
 * the service answers the first run's response, recording nothing twice.
 *
 *   TOKEN=$(npm run -s token -- --role integrator --org <organisation uuid> --scope measurements:write) \
 *     MEASUREMENTS=measurements.csv npx tsx examples/push-measurements.ts
 *
 * Settings (environment): TOKEN (a bearer token), MEASUREMENTS (the file: .csv or .ndjson),
 * STRATEGY_URL (default http://127.0.0.1:3001, the strategy service `npm start` runs).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';

async function main(): Promise<void> {
  const { TOKEN: token, MEASUREMENTS: file } = process.env;
  if (!token || !file) throw new Error('Set TOKEN (an integrator token) and MEASUREMENTS (a .csv or .ndjson file).');
  const key = createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
  const response = await fetch(`${process.env.STRATEGY_URL ?? 'http://127.0.0.1:3001'}/v1/key-result-measurements`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': file.endsWith('.csv') ? 'text/csv' : 'application/x-ndjson',
      'idempotency-key': `"${key}"`,
    },
    // Streamed from disk: the service reads the rows as they arrive.
    body: Readable.toWeb(createReadStream(file)) as ReadableStream,
    duplex: 'half',
  } as RequestInit);
  const answer = (await response.json()) as {
    recorded: number;
    keyResults: number;
    detail?: string;
    errors?: Array<{ field: string; message: string }>;
  };
  if (response.status !== 200) {
    console.error(`${response.status}: ${answer.detail}`);
    for (const problem of answer.errors ?? []) console.error(`  ${problem.field}: ${problem.message}`);
    process.exitCode = 1;
    return;
  }
  const replayed = response.headers.get('idempotent-replayed') === 'true';
  console.log(
    `${replayed ? 'already pushed (the first answer, replayed)' : 'pushed'}: ${answer.recorded} measurements of ${answer.keyResults} key results`,
  );
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
