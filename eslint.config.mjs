// @ts-check
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/**
 * Which kind of project may import which, by the Nx tags in each project.json (tools/architecture.spec.ts
 * checks every project has one). `type:api-client` is generated from the served OpenAPI documents and stands
 * alone, for whatever calls the APIs over HTTP.
 */
const dependsOn = JSON.parse(readFileSync(join(import.meta.dirname, 'tools/module-boundaries.json'), 'utf8'));
/** The services, each tagged `scope:<name>` (tools/architecture.spec.ts checks every apps/*-service is listed). */
const SERVICES = ['strategy', 'execution', 'metrics', 'integrations'];
/** Framework and transport packages: never in the contracts, never in pure domain files. */
const FRAMEWORK = ['@nestjs/*', 'typeorm', 'kafkajs', 'pg', 'express'];
/** Test code may also use the harness and the API client. */
const TEST_FILES = ['**/*.spec.ts', '**/test/**/*.ts'];
/** The unit tier: specs beside the code (see jest.config.ts). */
const UNIT_SPECS = ['apps/*/src/**/*.spec.ts', 'libs/*/src/**/*.spec.ts', 'tools/**/*.spec.ts'];

function boundaries(extraForTests = []) {
  return [
    'error',
    {
      allow: [],
      enforceBuildableLibDependency: false,
      depConstraints: [
        ...Object.entries(dependsOn).map(([sourceTag, tags]) => ({
          sourceTag,
          onlyDependOnLibsWithTags: [...tags, ...extraForTests],
          ...(sourceTag === 'type:contracts' ? { bannedExternalImports: FRAMEWORK } : {}),
        })),
        // No service imports another service, nor calls one through the HTTP client: services share only events.
        ...SERVICES.map((scope) => ({
          sourceTag: `scope:${scope}`,
          notDependOnLibsWithTags: ['type:app', 'type:api-client'],
        })),
      ],
    },
  ];
}

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'coverage/**', '.nx/**', 'docs/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mjs', '**/*.js'],
    plugins: { '@nx': nx },
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
        require: 'readonly',
        module: 'writable',
      },
    },
    rules: {
      '@nx/enforce-module-boundaries': boundaries(),
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // Raw SQL rows and JSON answers are typed where they are mapped to views, not before.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      // A server's handler may refer to the object that wraps the server, assigned once it listens.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: TEST_FILES,
    rules: { '@nx/enforce-module-boundaries': boundaries(['type:testing', 'type:dev-tooling', 'type:api-client']) },
  },
  {
    // The unit tier (specs beside the code) runs without a broker or a database.
    files: UNIT_SPECS,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['@throughline/testing', '@throughline/local-infra'].map((name) => ({
            name,
            message:
              'A unit spec uses no infrastructure: put a spec that needs Kafka or PostgreSQL in the test/ folder.',
          })),
        },
      ],
    },
  },
  {
    // Specs outside the services (tests/, bench/) share fixtures through libs/testing, not a service's test folder.
    files: ['tests/**/*.ts', 'bench/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/apps/*/test/**'], message: 'Shared fixtures live in libs/testing (@throughline/testing).' },
          ],
        },
      ],
    },
  },
  {
    // Pure domain logic: state machines, lifecycles, formulas and rules carry no framework.
    files: ['apps/**/*-lifecycle.ts', 'apps/**/*-state-machine.ts', 'apps/**/*-formula.ts', 'apps/**/*.rules.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: '@throughline/service-kit', message: 'Pure domain logic imports no framework.' }],
          patterns: [{ group: FRAMEWORK, message: 'Pure domain logic imports no framework.' }],
        },
      ],
    },
  },
  {
    // The dashboard: hooks called in the same order on every render, effects listing what they read.
    files: ['apps/dashboard/**/*.tsx', 'apps/dashboard/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
    languageOptions: {
      globals: { window: 'readonly', document: 'readonly', navigator: 'readonly', fetch: 'readonly' },
    },
  },
  prettier,
);
