/**
 * Regenerates the typed API client (`npm run api-client`): each service's OpenAPI document, built
 * exactly as the service serves it at /docs/openapi.json, is written to libs/api-client/openapi/,
 * and @hey-api/openapi-ts generates libs/api-client/src/generated/<service>/ from it.
 * `--check` writes nothing: it generates into a temporary folder and fails when the committed
 * documents or client differ (the drift test runs it).
 *
 * Runs under ts-node (`npm run api-client`), not tsx: the documents come from decorator metadata.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  mkdirSync,
  existsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { openApiDocument, ServiceDefinition } from '@throughline/service-kit';
import { strategyService } from '../apps/strategy-service/src/strategy-service.definition';
import { executionService } from '../apps/execution-service/src/execution-service.definition';
import { metricsService } from '../apps/metrics-service/src/metrics-service.definition';
import { integrationsService } from '../apps/integrations-service/src/integrations-service.definition';

const root = resolve(__dirname, '..');
const library = join(root, 'libs/api-client');
/** The client's name for each service: its folder under src/generated and its export. */
const SERVICES: Record<string, ServiceDefinition> = {
  strategy: strategyService,
  execution: executionService,
  metrics: metricsService,
  integrations: integrationsService,
};

/** The document a service serves, built in Nest's preview mode: no database, no broker, no listener. */
async function servedDocument(service: ServiceDefinition): Promise<object> {
  const app = await NestFactory.create(service.module, { preview: true, logger: false });
  try {
    return openApiDocument(app, service);
  } finally {
    await app.close();
  }
}

async function generate(into: string): Promise<void> {
  // @hey-api/openapi-ts is an ES module; this script is CommonJS.
  const { createClient } = await import('@hey-api/openapi-ts');
  for (const [name, service] of Object.entries(SERVICES)) {
    const documentFile = join(into, 'openapi', `${name}.json`);
    mkdirSync(join(into, 'openapi'), { recursive: true });
    writeFileSync(documentFile, `${JSON.stringify(await servedDocument(service), null, 2)}\n`);
    await createClient({
      input: documentFile,
      output: { path: join(into, 'src/generated', name), clean: true },
      plugins: ['@hey-api/client-fetch', '@hey-api/typescript', '@hey-api/sdk'],
      logs: { level: 'silent' },
    });
  }
}

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

/** The generated files that differ between two copies of the library, or are in only one of them. */
function differences(from: string, to: string): string[] {
  const names = new Set(
    ['openapi', 'src/generated'].flatMap((part) => [
      ...files(join(from, part)).map((file) => relative(from, file)),
      ...files(join(to, part)).map((file) => relative(to, file)),
    ]),
  );
  return [...names].filter((name) => {
    const a = join(from, name);
    const b = join(to, name);
    return !existsSync(a) || !existsSync(b) || readFileSync(a, 'utf8') !== readFileSync(b, 'utf8');
  });
}

async function main(): Promise<void> {
  if (!process.argv.includes('--check')) {
    await generate(library);
    console.log(`api-client: regenerated ${Object.keys(SERVICES).join(', ')} into ${relative(root, library)}`);
    return;
  }
  const scratch = mkdtempSync(join(tmpdir(), 'throughline-api-client-'));
  try {
    await generate(scratch);
    const drifted = differences(scratch, library);
    if (drifted.length) {
      console.error(
        `api-client: the committed client differs from the services' documents in ${drifted.join(', ')}. Run npm run api-client and commit the result.`,
      );
      process.exitCode = 1;
    } else console.log('api-client: the committed client matches the services');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
