import type { Config } from 'jest';
import { readFileSync } from 'node:fs';

const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

const { compilerOptions } = JSON.parse(readFileSync(`${__dirname}/tsconfig.base.json`, 'utf8'));
const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths as Record<string, string[]>).map(([alias, [target]]) => [
    `^${alias}$`,
    `<rootDir>/${target}`,
  ]),
);

/**
 * The one ES-module-only package the services load (content-disposition 2, under @fastify/static):
 * Node 20 requires it natively, jest's module registry cannot, so swc turns it into CommonJS.
 */
const ESM_ONLY = 'content-disposition';

const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['@swc/jest', swc as never],
    [`/node_modules/${ESM_ONLY}/.+\\.js$`]: ['@swc/jest', { module: { type: 'commonjs' } } as never],
  },
  transformIgnorePatterns: [`/node_modules/(?!(.*/)?${ESM_ONLY}/)`],
  // The generated API client imports its own files as './x.js' (Node16 module resolution): jest maps them to the .ts files.
  moduleNameMapper: { ...moduleNameMapper, '^(\\.{1,2}/.*)\\.js$': '$1' },
} satisfies Config;

/**
 * Two tiers, run one after the other by `npm test` (`test:unit`, then `test:integration`):
 * - unit: specs beside the code in `src/` (and `tools/`); pure logic, no broker, no database,
 *   no global setup, seconds;
 * - integration: specs in `apps/<service>/test/`, `libs/<lib>/test/`, `tests/` and `bench/`,
 *   against one real PostgreSQL and one real Kafka broker for the whole run.
 */
const config: Config = {
  // Global only (jest reads no per-project timeout): integration specs start real services.
  testTimeout: 60_000,
  maxWorkers: 2,
  verbose: false,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs}/*/src/**/*.spec.ts', '<rootDir>/tools/**/*.spec.ts'],
      // A unit spec that reaches for the test infrastructure fails instead of quietly using it.
      setupFiles: ['<rootDir>/libs/testing/src/unit-tier-setup.ts'],
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: [
        '<rootDir>/{apps,libs}/*/test/**/*.spec.ts',
        '<rootDir>/tests/**/*.spec.ts',
        '<rootDir>/bench/**/*.spec.ts',
      ],
      globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
    },
  ],
};

export default config;
