import 'reflect-metadata';
import { rebuildReadModels } from './rebuild/rebuild-read-models';

/**
 * `node -r ./tools/runtime-paths.js dist/apps/metrics-service/src/rebuild.js` after `npm run build`
 * (same DATABASE_URL, DB_SCHEMA, KAFKA_* as the service, which must be stopped): drops the metrics
 * read models and replays every topic. Built, not under tsx: Nest injects by the decorator
 * metadata tsx does not emit.
 */
rebuildReadModels()
  .then((report) => {
    console.log(
      `metrics-service: rebuilt from ${report.eventsApplied} events (${report.duplicates} duplicates, ${report.refused} refused); scores as of ${report.timePassAsOf}.`,
    );
    process.exit(0);
  })
  .catch((error) => {
    console.error(`metrics-service rebuild: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
