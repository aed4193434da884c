import { DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { env, EnvOf, EnvSchema, EnvShape, readEnv } from '@throughline/config';
import { kafkaEnvProblems, kafkaEnvSchema, retentionEnvSchema } from '@throughline/messaging';
import { z } from 'zod';
import { authEnvProblems, authEnvSchema } from '../auth/auth-config';
import { databaseEnvSchema } from '../database/database-options';
import { loggingEnvSchema } from '../observability/logging';
import { tracingEnvSchema } from '../observability/tracing';

export const httpEnvSchema = z.object({
  PORT: env.integer({ description: 'HTTP port', defaultText: '3001–3004 by service', min: 0, max: 65535 }),
  HOST: env.string({ description: 'HTTP listen address', default: '127.0.0.1' }),
  HTTP_BODY_LIMIT: env.string({
    description: 'largest accepted request body',
    default: '256kb',
    pattern: /^\d+(b|kb|mb)$/,
    allowed: 'a size such as `256kb` or `1mb`',
  }),
  RATE_LIMIT_PER_MINUTE: env.integer({ description: 'requests per caller per minute', default: 1200, min: 1 }),
  SPREADSHEET_UPLOAD_LIMIT: env.string({
    description: 'largest CSV/XLSX upload (spreadsheet imports) and bulk key-result measurement upload (NDJSON/CSV)',
    default: '20mb',
    pattern: /^\d+(b|kb|mb)$/,
    allowed: 'a size such as `20mb`',
  }),
  IMPORT_MAX_ROWS: env.integer({
    description: 'most data rows one spreadsheet import or bulk measurement upload may hold',
    default: 50_000,
    min: 1,
  }),
});
export type HttpEnv = EnvOf<typeof httpEnvSchema>;

/** What every service reads, whatever it does: HTTP, database, authentication, Kafka. */
export const sharedServiceEnvSchemas = {
  http: httpEnvSchema,
  database: databaseEnvSchema,
  auth: authEnvSchema,
  kafka: kafkaEnvSchema,
  retention: retentionEnvSchema,
  logging: loggingEnvSchema,
  tracing: tracingEnvSchema,
};

/**
 * A service's whole configuration: the shared variables plus its own (`appSchema`), with the
 * rules between them. Validated once at boot; every module then reads its typed slice.
 */
export function serviceConfigSchema(appSchema?: z.ZodObject<EnvShape>): EnvSchema {
  const shape = Object.assign(
    {},
    ...Object.values(sharedServiceEnvSchemas).map((schema) => schema.shape),
    appSchema?.shape,
  );
  return z.object(shape as EnvShape).superRefine((settings, context) => {
    for (const problem of [
      ...authEnvProblems(settings as EnvOf<typeof authEnvSchema>),
      ...kafkaEnvProblems(settings as EnvOf<typeof kafkaEnvSchema>),
    ])
      context.addIssue({ code: 'custom', path: [problem.variable], message: problem.message });
  });
}

/**
 * Nest's ConfigService holding the validated values (typed, never the raw strings of
 * process.env). Read when the application is created, so each instance sees its own environment.
 */
export function serviceConfigModule(appSchema?: z.ZodObject<EnvShape>): Promise<DynamicModule> {
  return validatedConfigModule(serviceConfigSchema(appSchema));
}

/** The same for a command that needs only some variables (e.g. the metrics rebuild). */
export function validatedConfigModule(schema: EnvSchema): Promise<DynamicModule> {
  return ConfigModule.forRoot({
    isGlobal: true,
    ignoreEnvFile: true,
    skipProcessEnv: true,
    load: [() => readEnv(schema, process.env)],
  });
}

/** '20mb' → bytes (the units HTTP_BODY_LIMIT and SPREADSHEET_UPLOAD_LIMIT are written in). */
export function byteSize(limit: string): number {
  const [, amount, unit] = /^(\d+)(b|kb|mb)$/.exec(limit) ?? ['', '0', 'b'];
  return Number(amount) * { b: 1, kb: 1024, mb: 1024 * 1024 }[unit as 'b' | 'kb' | 'mb'];
}
