import { INestApplication, Logger, Type } from '@nestjs/common';
import { Logger as PinoLogger } from 'nestjs-pino';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { exactDocument } from './http/openapi-document';
import { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { ConnectionDraining } from './http/connection-draining';
import { enableBoundedShutdown } from './lifecycle/bounded-shutdown';
import { correlationIdMiddleware } from './http/correlation-id';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { strictValidationPipe } from './http/validation';
import { accessLog } from './observability/logging';
import { collectProcessMetrics, httpMetricsMiddleware } from './observability/prometheus';
import { startTracing, traceRequests, tracingStarted } from './observability/tracing';
import { EnvSchema, envSlice, readEnv } from '@throughline/config';
import { httpEnvSchema, serviceConfigSchema } from './config/service-config';
import { runMigrations, ServiceDatabase } from './database/database-options';
import { SPREADSHEET_MEDIA_TYPES } from './spreadsheets/spreadsheet-format';

export interface ServiceAppOptions {
  title: string;
  description: string;
}

/** Builds a service's HTTP application with the shared conventions; the caller decides when to listen. */
export async function createServiceApp(module: Type<unknown>, options: ServiceAppOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module, {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(PinoLogger));
  app.use(app.get(ConnectionDraining).middleware);
  const http = envSlice(httpEnvSchema, app.get(ConfigService));
  const streamed = new Set(streamedUploadsOf(module));
  const buffered = (types: string[]) => (request: Request) => !streamed.has(request.path) && Boolean(request.is(types));
  app.useBodyParser('json', {
    type: buffered(JSON_MEDIA_TYPES),
    limit: http.HTTP_BODY_LIMIT,
    reviver: refusePrototypeKeys,
  });
  // CSV and XLSX uploads (spreadsheet imports) arrive as raw bytes with their own, larger limit.
  app.useBodyParser('raw', {
    type: buffered(Object.values(SPREADSHEET_MEDIA_TYPES)),
    limit: http.SPREADSHEET_UPLOAD_LIMIT,
  });
  app.use(refuseUnreadableBodies(streamed));
  // After the body parsers (their stream callbacks would lose the span's context), before the rest.
  if (tracingStarted()) app.use(traceRequests);
  collectProcessMetrics();
  app.use(securityHeaders());
  app.use(httpMetricsMiddleware);
  app.use(correlationIdMiddleware);
  app.use(accessLog);
  app.useGlobalFilters(new ProblemDetailsFilter(http.HTTP_BODY_LIMIT, http.SPREADSHEET_UPLOAD_LIMIT));
  app.useGlobalPipes(strictValidationPipe());
  enableBoundedShutdown(app);
  app.disable('x-powered-by');
  // An ETag here is a resource's version (If-Match sends it back); Express's body-hash ETags on
  // every other answer would read as versions that no update accepts.
  app.set('etag', false);
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

/** JSON.parse would keep `__proto__` as an own key that validation then drops silently: refuse it (400) like any unknown field. */
function refusePrototypeKeys(key: string, value: unknown): unknown {
  if (key === '__proto__' || key === 'constructor' || key === 'prototype')
    throw new SyntaxError(`the field "${key}" is not allowed`);
  return value;
}

const JSON_MEDIA_TYPES = ['application/json', 'application/*+json'];

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

/**
 * A body no parser read (a form, text/plain, XML, or no content type) would reach the handler as
 * "no fields" and answer 200 having changed nothing: refuse it with 415 instead.
 */
const refuseUnreadableBodies =
  (streamed: Set<string>) => (request: Request, _response: Response, next: NextFunction) => {
    const hasBody =
      Number(request.header('content-length') ?? 0) > 0 || request.header('transfer-encoding') !== undefined;
    if (
      !hasBody ||
      streamed.has(request.path) ||
      request.is([...JSON_MEDIA_TYPES, ...Object.values(SPREADSHEET_MEDIA_TYPES)])
    )
      return next();
    const type = request.header('content-type');
    next(
      Object.assign(
        new Error(
          `${type ? `the content type ${type} is` : 'a body without a content type is'} not accepted; send application/json`,
        ),
        { status: 415, expose: true },
      ),
    );
  };

/** helmet's headers everywhere; Swagger UI's page needs its inline script, so only /docs gets a looser policy. */
function securityHeaders() {
  const strict = helmet();
  const docs = helmet({
    contentSecurityPolicy: {
      directives: { 'script-src': ["'self'", "'unsafe-inline'"], 'img-src': ["'self'", 'data:'] },
    },
  });
  return (request: Request, response: Response, next: NextFunction) =>
    (request.path.startsWith('/docs') ? docs : strict)(request, response, next);
}
