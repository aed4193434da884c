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

/** One run, one broker, one database: unit specs and integration specs together. */
const config: Config = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/{apps,libs,tools,tests,bench}/**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc as never] },
  // The generated API client imports its own files as './x.js' (Node16 module resolution): jest maps them to the .ts files.
  moduleNameMapper: { ...moduleNameMapper, '^(\\.{1,2}/.*)\\.js$': '$1' },
  globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
  verbose: false,
};

export default config;
