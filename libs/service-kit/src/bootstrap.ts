import { INestApplication, Logger, Type } from '@nestjs/common';
import { Logger as PinoLogger } from 'nestjs-pino';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';
import { exactDocument } from './http/openapi-document';
import { ConnectionDraining } from './http/connection-draining';
import { httpAdapter, nodeMiddlewareHook } from './http/http-server';
import { enableBoundedShutdown } from './lifecycle/bounded-shutdown';
import { correlateRequests } from './http/correlation-id';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { readRequestBodies } from './http/request-bodies';
import { strictValidationPipe } from './http/validation';
import { logAccess } from './observability/logging';
import { collectProcessMetrics, timeRequests } from './observability/prometheus';
import { startTracing, traceRequests, tracingStarted } from './observability/tracing';
import { EnvSchema, envSlice, readEnv } from '@throughline/config';
import { byteSize, httpEnvSchema, serviceConfigSchema } from './config/service-config';
import { runMigrations, ServiceDatabase } from './database/database-options';

export interface ServiceAppOptions {
  title: string;
  description: string;
}

/**
 * Builds a service's HTTP application with the shared conventions; the caller decides when to
 * listen. Nest runs on Fastify (`httpAdapter`); the hooks below are the only place the services
 * see it.
 */
export async function createServiceApp(module: Type<unknown>, options: ServiceAppOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(module, httpAdapter(), {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(PinoLogger));
  const server = app.getHttpAdapter().getInstance() as FastifyInstance;
  app.get(ConnectionDraining).attach(server);
  const http = envSlice(httpEnvSchema, app.get(ConfigService));
  readRequestBodies(
    server,
    { json: byteSize(http.HTTP_BODY_LIMIT), upload: byteSize(http.SPREADSHEET_UPLOAD_LIMIT) },
    new Set(streamedUploadsOf(module)),
  );
  if (tracingStarted()) traceRequests(server);
  collectProcessMetrics();
  server.addHook('onRequest', securityHeaders());
  timeRequests(server);
  correlateRequests(server);
  logAccess(server);
  app.useGlobalFilters(new ProblemDetailsFilter(http.HTTP_BODY_LIMIT, http.SPREADSHEET_UPLOAD_LIMIT));
  app.useGlobalPipes(strictValidationPipe());
  enableBoundedShutdown(app);
  SwaggerModule.setup('docs', app, openApiDocument(app, options), { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}

/** The OpenAPI document a service serves at /docs/openapi.json (also what the typed client is generated from). */
export function openApiDocument(app: INestApplication, options: Pick<ServiceAppOptions, 'title' | 'description'>) {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(options.title)
      .setDescription(options.description)
      .setVersion('1')
      .addBearerAuth()
      .build(),
    // `OrgUnits_create` rather than `OrgUnitsController_create`: the generated client's function names.
    { operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}` },
  );
  return exactDocument(document);
}

/** Starts a service from its main.ts: listens on PORT and says where it is. */
export async function runService(
  module: Type<unknown>,
  options: ServiceAppOptions & { defaultPort: number },
): Promise<void> {
  const app = await createServiceApp(module, options);
  const http = envSlice(httpEnvSchema, app.get(ConfigService));
  const port = http.PORT ?? options.defaultPort;
  await app.listen(port, http.HOST);
  new Logger('Bootstrap').log(`${options.title} listening on http://127.0.0.1:${port} (docs: /docs)`);
}

export interface ServiceDefinition extends ServiceAppOptions {
  name: string;
  defaultPort: number;
  module: Type<unknown>;
  database: ServiceDatabase;
  /** The service's own variables (as given to ServiceKitModule.forRoot). */
  config?: EnvSchema;
}

/** A service's command line: `migrate` applies its migrations and exits; `serve` (default) runs it. */
export function serviceMain(service: ServiceDefinition, command = process.argv[2] ?? 'serve'): void {
  const run = async () => {
    if (command === 'migrate') {
      const applied = await runMigrations(service.database);
      console.log(
        applied.length ? `${service.name}: applied ${applied.join(', ')}` : `${service.name}: schema up to date`,
      );
      return;
    }
    if (command !== 'serve') throw new Error(`Unknown command "${command}": use serve or migrate.`);
    // A bad or missing value stops the service here, before anything connects, in one sentence.
    readEnv(serviceConfigSchema(service.config));
    startTracing(service.name);
    await runService(service.module, service);
  };
  run().catch((error) => {
    console.error(`${service.name}: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}

const STREAMED_UPLOADS = 'throughline:streamed-uploads';

/**
 * On a service's root module: the paths whose handlers read the request body as a stream (bulk
 * uploads of thousands of rows), which no body parser buffers; the handler checks the content
 * type and size itself.
 */
export const StreamedUploads =
  (...paths: string[]): ClassDecorator =>
  (target) =>
    Reflect.defineMetadata(STREAMED_UPLOADS, paths, target);

function streamedUploadsOf(module: Type<unknown>): string[] {
  return Reflect.getMetadata(STREAMED_UPLOADS, module) ?? [];
}

/** helmet's headers everywhere; Swagger UI's page needs its inline script, so only /docs gets a looser policy. */
function securityHeaders() {
  const strict = helmet();
  const docs = helmet({
    contentSecurityPolicy: {
      directives: { 'script-src': ["'self'", "'unsafe-inline'"], 'img-src': ["'self'", 'data:'] },
    },
  });
  return nodeMiddlewareHook((request, response, next) =>
    (request.url?.startsWith('/docs') ? docs : strict)(request, response, next),
  );
}
