// @ts-check
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/** Which kind of project may import which: the Nx tags in each project.json. */
const dependsOn = {
  'type:config': [],
  'type:contracts': [],
  'type:messaging': ['type:config', 'type:contracts'],
  'type:service-kit': ['type:config', 'type:contracts', 'type:messaging'],
  'type:dev-tooling': [],
  // Generated from the served OpenAPI documents: stands alone, for whatever calls the APIs over HTTP.
  'type:api-client': [],
  'type:testing': [
    'type:config',
    'type:contracts',
    'type:messaging',
    'type:service-kit',
    'type:dev-tooling',
    'type:api-client',
  ],
  'type:app': ['type:config', 'type:contracts', 'type:messaging', 'type:service-kit', 'type:api-client'],
};
/** Framework and transport packages: never in the contracts, never in pure domain files. */
const FRAMEWORK = ['@nestjs/*', 'typeorm', 'kafkajs', 'pg', 'express'];
/** Test code may also use the harness. */
const TEST_FILES = ['**/*.spec.ts', '**/test/**/*.ts'];

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
        ...['strategy', 'execution', 'metrics', 'integrations'].map((scope) => ({
          sourceTag: `scope:${scope}`,
          notDependOnLibsWithTags: ['type:app', 'type:api-client'],
        })),
      ],
    },
  ];
}

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'coverage/**',
      '.nx/**',
      'docs/**',
      // Written by @hey-api/openapi-ts (npm run api-client); the drift test keeps it equal to the generator's output.
      'libs/api-client/src/generated/**',
    ],
  },
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
  prettier,
);
