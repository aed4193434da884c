import 'reflect-metadata';
import { rebuildReadModels } from './rebuild/rebuild-read-models';

/**
 * `npm run metrics:rebuild [-- --keep-replaced]` (or, built, `node -r ./tools/runtime-paths.js
 * dist/apps/metrics-service/src/rebuild.js`), with the service's DATABASE_URL, DB_SCHEMA and
 * KAFKA_*: rebuilds every metrics read model from the topics into a fresh schema and switches the
 * live service over to it, which keeps serving meanwhile (see rebuild-read-models.ts). Run with
 * ts-node or built, not under tsx: Nest injects by the decorator metadata tsx does not emit.
 */
rebuildReadModels(process.env, { keepReplaced: process.argv.includes('--keep-replaced'), log: console.log })
  .then((report) => {
    console.log(
      `metrics-service: rebuilt from ${report.eventsApplied} events (${report.duplicates} duplicates, ${report.refused} refused) in ${report.replayMs} ms; ` +
        `the live service paused applying for ${report.pausedMs} ms at the switch; ${report.publishedAtSwitch} events published at the switch` +
        (report.replacedSchema ? `; the replaced schema is kept as ${report.replacedSchema}.` : '.'),
    );
    process.exit(0);
  })
  .catch((error) => {
    console.error(`metrics-service rebuild: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
