import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderAsyncApiJson } from '../libs/contracts/src/asyncapi';

/** Writes docs/asyncapi.json from the event catalogue: `npx tsx tools/asyncapi.ts`. A test fails if the committed file differs. */
const target = join(__dirname, '..', 'docs', 'asyncapi.json');
writeFileSync(target, renderAsyncApiJson());
console.log(`wrote ${target}`);
