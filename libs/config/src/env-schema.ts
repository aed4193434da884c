import { accessSync, constants, statSync } from 'node:fs';
import { z } from 'zod';

/**
 * Environment variables as typed, validated settings. Each library declares the variables it
 * reads as a zod object of these fields; a service validates the union of them once, at boot,
 * and a bad or missing value stops it with one sentence naming the variable and what is allowed.
 */
export interface EnvVarDoc {
  description: string;
  /** How the default reads in the README table (– when there is none). */
  default: string;
  /** What values are accepted, in words. */
  allowed: string;
}

type Field<T> = z.ZodType<T, string | undefined>;

function field<T>(
  doc: EnvVarDoc,
  parse: (raw: string) => T | undefined,
  fallback: T | undefined,
  required: boolean,
): Field<T> {
  return z
    .string()
    .optional()
    .transform((raw, context) => {
      const given = raw?.trim();
      if (given === undefined || given === '') {
        if (fallback !== undefined || !required) return fallback as T;
        context.addIssue({ code: 'custom', message: `is required: ${doc.allowed}` });
        return z.NEVER;
      }
      const value = parse(given);
      if (value === undefined) {
        context.addIssue({ code: 'custom', message: `must be ${doc.allowed}` });
        return z.NEVER;
      }
      return value;
    })
    .meta({ ...doc }) as unknown as Field<T>;
}

interface Options<T> {
  description: string;
  default?: T;
  /** Shown instead of the default value in the README (e.g. "the service's name"). */
  defaultText?: string;
  required?: boolean;
}

function docOf<T>(options: Options<T>, allowed: string, show: (value: T) => string = String): EnvVarDoc {
  return {
    description: options.description,
    default: options.defaultText ?? (options.default === undefined ? '–' : show(options.default)),
    allowed,
  };
}

export const env = {
  string(options: Options<string> & { pattern?: RegExp; allowed?: string }): Field<string> {
    const allowed = options.allowed ?? (options.pattern ? `text matching ${options.pattern}` : 'text');
    return field(
      docOf(options, allowed),
      (raw) => (!options.pattern || options.pattern.test(raw) ? raw : undefined),
      options.default,
      options.required ?? false,
    );
  },

  integer(options: Options<number> & { min?: number; max?: number; unit?: string }): Field<number> {
    const min = options.min ?? 0;
    const unit = options.unit ? ` (${options.unit})` : '';
    const allowed =
      options.max === undefined
        ? `a whole number ≥ ${min}${unit}`
        : `a whole number from ${min} to ${options.max}${unit}`;
    return field(
      docOf(options, allowed),
      (raw) => {
        if (!/^-?\d+$/.test(raw)) return undefined;
        const value = Number(raw);
        return value >= min && (options.max === undefined || value <= options.max) ? value : undefined;
      },
      options.default,
      options.required ?? false,
    );
  },

  boolean(options: Options<boolean>): Field<boolean> {
    return field(
      docOf(options, '`true` or `false`'),
      (raw) => (raw === 'true' ? true : raw === 'false' ? false : undefined),
      options.default,
      options.required ?? false,
    );
  },

  oneOf<const T extends string>(values: readonly T[], options: Options<T>): Field<T> {
    return field(
      docOf(options, `one of ${values.map((value) => `\`${value}\``).join(', ')}`),
      (raw) => (values.includes(raw as T) ? (raw as T) : undefined),
      options.default,
      options.required ?? false,
    );
  },

  /** Comma-separated items, each checked by `item`. */
  list(options: Options<string[]> & { item?: RegExp; allowed: string }): Field<string[]> {
    return field(
      docOf(options, options.allowed, (value) => value.join(',')),
      (raw) => {
        const items = raw
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean);
        return items.length > 0 && items.every((item) => !options.item || options.item.test(item)) ? items : undefined;
      },
      options.default,
      options.required ?? false,
    );
  },

  /**
   * `emptyHostAfterCredentials`: `scheme://user@/path` is valid too (libpq's form for a Unix socket
   * named in `?host=`), which the WHATWG parser refuses.
   */
  url(options: Options<string> & { protocols: string[]; emptyHostAfterCredentials?: boolean }): Field<string> {
    return field(
      docOf(options, `a URL (${options.protocols.join(', ')})`),
      (raw) => {
        try {
          const parsed = options.emptyHostAfterCredentials
            ? raw.replace(/^([a-z]+:\/\/[^/@]*)@\//, '$1@localhost/')
            : raw;
          return options.protocols.includes(new URL(parsed).protocol.replace(/:$/, '')) ? raw : undefined;
        } catch {
          return undefined;
        }
      },
      options.default,
      options.required ?? false,
    );
  },

  /** A path to a file the process can read (a mounted certificate or key); checked at boot, read by its user. */
  file(options: Options<string>): Field<string> {
    return field(
      docOf(options, 'a path to a readable file'),
      (raw) => {
        try {
          accessSync(raw, constants.R_OK);
          return statSync(raw).isFile() ? raw : undefined;
        } catch {
          return undefined;
        }
      },
      options.default,
      options.required ?? false,
    );
  },

  /** An ISO 8601 timestamp. */
  timestamp(options: Options<Date>): Field<Date> {
    return field(
      docOf(options, 'an ISO 8601 time, e.g. 2026-01-01T00:00:00Z', (value) => value.toISOString()),
      (raw) => (/^\d{4}-\d{2}-\d{2}T/.test(raw) && !Number.isNaN(Date.parse(raw)) ? new Date(raw) : undefined),
      options.default,
      options.required ?? false,
    );
  },
};

export type EnvShape = Record<string, z.ZodType<unknown, string | undefined>>;
export type EnvSchema<S extends EnvShape = EnvShape> = z.ZodObject<S>;
export type EnvOf<S extends EnvSchema> = z.output<S>;

/** A refused configuration: `message` is one sentence an operator can act on. */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

/** A rule between variables that failed: the variable to fix and what is wrong with it. */
export interface EnvProblem {
  variable: string;
  message: string;
}

export function configurationError(problem: EnvProblem, got?: string): ConfigurationError {
  const shown =
    got === undefined || got.trim() === '' ? '' : `, got "${got.length > 60 ? `${got.slice(0, 60)}…` : got}"`;
  return new ConfigurationError(`Invalid configuration: ${problem.variable} ${problem.message}${shown}.`);
}

/** Validates the variables `schema` declares; throws a ConfigurationError naming the first bad one. */
export function readEnv<S extends EnvSchema>(schema: S, source: NodeJS.ProcessEnv = process.env): z.output<S> {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const variable = issue.path.join('.') || 'configuration';
  throw configurationError({ variable, message: issue.message }, source[variable]);
}

/** Documentation of each variable a schema declares, for the README table. */
export function envDocs(schema: EnvSchema): Array<EnvVarDoc & { name: string }> {
  return Object.entries(schema.shape).map(([name, fieldSchema]) => {
    const doc = fieldSchema.meta() as EnvVarDoc | undefined;
    if (!doc?.description) throw new Error(`${name} has no description: declare it with the env helpers`);
    return { name, ...doc };
  });
}

/** What every process reads: whether it runs in production (stricter defaults, development aids refused). */
export const runtimeEnvSchema = z.object({
  NODE_ENV: env.oneOf(['development', 'test', 'production'], {
    description: 'production refuses development aids (dev tokens, fault injection, private webhook addresses)',
    default: 'development',
  }),
});
export type RuntimeEnv = EnvOf<typeof runtimeEnvSchema>;

/**
 * The variables `schema` declares, read from a service's validated configuration (Nest's
 * ConfigService, or any store with the same `get`): each library reads its own slice, typed.
 */
export function envSlice<S extends EnvSchema>(schema: S, config: { get(key: string): unknown }): z.output<S> {
  return Object.fromEntries(Object.keys(schema.shape).map((key) => [key, config.get(key)])) as z.output<S>;
}
