import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { readEnv } from '@throughline/config';
import {
  ConnectionDraining,
  enableBoundedShutdown,
  ProblemDetailsFilter,
  runMigrations,
} from '@throughline/service-kit';
import helmet from 'helmet';
import { AppModule } from './app.module';
import { dashboardBffEnvSchema } from './dashboard-bff.config';
import { bffDatabase } from './database/bff-database';
import { singlePageApp } from './spa/spa-files';

const root = resolve(__dirname, '../../../..');

/** `migrate` applies the sessions schema; `serve` (default) runs the dashboard's one origin. */
async function main(command = process.argv[2] ?? 'serve'): Promise<void> {
  if (command === 'migrate') {
    const applied = await runMigrations(bffDatabase);
    console.log(applied.length ? `dashboard-bff: applied ${applied.join(', ')}` : 'dashboard-bff: schema up to date');
    return;
  }
  const settings = readEnv(dashboardBffEnvSchema);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(settings), {
    bodyParser: false,
    logger: ['error', 'warn', 'log'],
  });
  app.use(app.get(ConnectionDraining).middleware);
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  // The built app's scripts and styles come from this origin; Vite's build inlines nothing that needs more.
  app.use(helmet({ contentSecurityPolicy: { directives: { 'img-src': ["'self'", 'data:'] } } }));
  app.use(singlePageApp(settings.DASHBOARD_DIST ?? join(root, 'dist/apps/dashboard')));
  app.useGlobalFilters(new ProblemDetailsFilter());
  enableBoundedShutdown(app);
  await app.listen(settings.PORT, settings.HOST);
  const { port } = app.getHttpServer().address() as AddressInfo;
  console.log(`Dashboard: http://${settings.HOST}:${port}`);
}

main().catch((error) => {
  console.error(`dashboard-bff: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
