import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { readEnv } from '@throughline/config';
import {
  ConnectionDraining,
  enableBoundedShutdown,
  httpAdapter,
  nodeMiddlewareHook,
  ProblemDetailsFilter,
  runMigrations,
} from '@throughline/service-kit';
import helmet from 'helmet';
import { AppModule } from './app.module';
import { dashboardBffEnvSchema } from './dashboard-bff.config';
import { bffDatabase } from './database/bff-database';
import { serveSinglePageApp } from './spa/spa-files';

const root = resolve(__dirname, '../../../..');

/** `migrate` applies the sessions schema; `serve` (default) runs the dashboard's one origin. */
async function main(command = process.argv[2] ?? 'serve'): Promise<void> {
  if (command === 'migrate') {
    const applied = await runMigrations(bffDatabase);
    console.log(applied.length ? `dashboard-bff: applied ${applied.join(', ')}` : 'dashboard-bff: schema up to date');
    return;
  }
  const settings = readEnv(dashboardBffEnvSchema);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(settings),
    // A proxy on this machine may say whom it forwards for.
    httpAdapter({ trustProxy: 'loopback' }),
    { bodyParser: false, logger: ['error', 'warn', 'log'] },
  );
  const server = app.getHttpAdapter().getInstance() as FastifyInstance;
  app.get(ConnectionDraining).attach(server);
  leaveBodiesUnread(server);
  // The built app's scripts and styles come from this origin; Vite's build inlines nothing that needs more.
  server.addHook(
    'onRequest',
    nodeMiddlewareHook(helmet({ contentSecurityPolicy: { directives: { 'img-src': ["'self'", 'data:'] } } })),
  );
  await serveSinglePageApp(server, settings.DASHBOARD_DIST ?? join(root, 'dist/apps/dashboard'));
  app.useGlobalFilters(new ProblemDetailsFilter());
  enableBoundedShutdown(app);
  await app.listen(settings.PORT, settings.HOST);
  const { port } = app.getHttpServer().address() as AddressInfo;
  console.log(`Dashboard: http://${settings.HOST}:${port}`);
}

/** No body is read here: the proxy streams each one on to its service, which reads and limits it. */
function leaveBodiesUnread(server: FastifyInstance): void {
  server.removeAllContentTypeParsers();
  server.addContentTypeParser('*', (_request, _payload, done) => done(null));
}

main().catch((error) => {
  console.error(`dashboard-bff: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
