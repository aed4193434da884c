import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_DEFINITIONS } from '../libs/contracts/src/catalogue';
import { contractOf } from '../libs/contracts/src/compatibility';

/**
 * Freezes the schema of every event type that has no released snapshot yet, in
 * libs/contracts/src/released/<type>.json: `npx tsx tools/freeze-contracts.ts` when a
 * new type (or a new version of one) ships. It never rewrites an existing snapshot: a
 * released contract changes only compatibly, or becomes a new version.
 */
const folder = join(__dirname, '..', 'libs', 'contracts', 'src', 'released');
mkdirSync(folder, { recursive: true });
let written = 0;
for (const definition of EVENT_DEFINITIONS) {
  const file = join(folder, `${definition.type}.json`);
  if (existsSync(file)) continue;
  writeFileSync(file, `${JSON.stringify(contractOf(definition), null, 2)}\n`);
  written++;
  console.log(`released ${definition.type}`);
}
console.log(written ? `${written} new snapshot(s) in ${folder}` : 'every event type already has a released snapshot');
