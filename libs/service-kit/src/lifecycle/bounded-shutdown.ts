import { INestApplicationContext, Logger } from '@nestjs/common';

/** Within the pods' grace period (40 s, less the 5 s preStop pause); messaging's own steps get 20 s of it. */
export const SHUTDOWN_LIMIT_MS = 30_000;

/**
 * Nest closes the application on a stop signal and raises the signal again once closed. When
 * something it waits for never ends (a pool's end waits for every connection it lent out), the
 * process would live on half shut, serving nothing and holding its partitions; after the limit it
 * exits with an error instead, and whatever it left undone is redelivered.
 */
export function enableBoundedShutdown(app: INestApplicationContext, limitMs = SHUTDOWN_LIMIT_MS): void {
  app.enableShutdownHooks();
  const armed = (signal: NodeJS.Signals) => {
    for (const other of STOP_SIGNALS) process.removeListener(other, armed);
    setTimeout(() => {
      new Logger('Shutdown').error(`still shutting down ${limitMs / 1000} s after ${signal}; exiting`);
      process.exit(1);
    }, limitMs).unref();
  };
  for (const signal of STOP_SIGNALS) process.once(signal, armed);
}

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];
