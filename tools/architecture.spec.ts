import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The module boundaries of the workspace, enforced on every `npm test`: which kind of
 * project may import which (Nx tags in each project.json), no service importing another
 * service, and pure domain logic free of framework imports.
 */
const root = resolve(__dirname, '..');
const ALLOWED: Record<string, string[]> = {
  'type:config': [],
  'type:contracts': [],
  'type:messaging': ['type:config', 'type:contracts'],
  'type:service-kit': ['type:config', 'type:contracts', 'type:messaging'],
  'type:dev-tooling': [],
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
/** Test code may also use the harness and the API client. */
const ALLOWED_IN_TESTS = ['type:testing', 'type:dev-tooling', 'type:api-client'];
const FRAMEWORK = /^(@nestjs\/|typeorm|kafkajs|pg$|express)/;
const PURE_DOMAIN_FILE = /-(lifecycle|state-machine|formula)\.ts$/;

interface Project {
  name: string;
  root: string;
  type: string;
}

const projects: Project[] = ['apps', 'libs'].flatMap((folder) =>
  readdirSync(join(root, folder)).map((name) => {
    const config = JSON.parse(readFileSync(join(root, folder, name, 'project.json'), 'utf8'));
    return {
      name: config.name,
      root: join(root, folder, name),
      type: config.tags.find((tag: string) => tag.startsWith('type:')),
    };
  }),
);
const aliases: Record<string, string> = Object.fromEntries(
  Object.entries(
    JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8')).compilerOptions.paths as Record<
      string,
      string[]
    >,
  ).map(([alias, [target]]) => [alias, join(root, target)]),
);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === 'node_modules' ? [] : sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((match) => match[1]);
}

function projectOf(path: string): Project | undefined {
  return projects.find((project) => path === project.root || path.startsWith(project.root + '/'));
}

function targetProject(file: string, specifier: string): Project | undefined {
  if (specifier.startsWith('.')) return projectOf(resolve(dirname(file), specifier));
  const alias = Object.keys(aliases).find((name) => specifier === name || specifier.startsWith(name + '/'));
  return alias ? projectOf(aliases[alias]) : undefined;
}

describe('architecture', () => {
  it('knows the type of every project', () => {
    for (const project of projects) expect(Object.keys(ALLOWED)).toContain(project.type);
  });

  it.each(projects.map((project) => [project.name, project] as const))(
    '%s imports only what its type allows',
    (_, project) => {
      const violations: string[] = [];
      for (const file of sourceFiles(project.root)) {
        const isTest = file.endsWith('.spec.ts') || file.includes('/test/');
        for (const specifier of importsOf(file)) {
          const target = targetProject(file, specifier);
          if (!target || target === project) continue;
          const allowed = [...ALLOWED[project.type], ...(isTest ? ALLOWED_IN_TESTS : [])];
          if (!allowed.includes(target.type))
            violations.push(`${relative(root, file)} imports ${specifier} (${target.name}, ${target.type})`);
        }
      }
      expect(violations).toEqual([]);
    },
  );

  it('keeps the contracts free of framework and transport code', () => {
    const contracts = projects.find((project) => project.type === 'type:contracts')!;
    const offenders = sourceFiles(contracts.root).flatMap((file) =>
      importsOf(file)
        .filter((specifier) => FRAMEWORK.test(specifier))
        .map((specifier) => `${relative(root, file)}: ${specifier}`),
    );
    expect(offenders).toEqual([]);
  });

  it('keeps pure domain logic (state machines, lifecycles, formulas) free of framework imports', () => {
    const pure = projects
      .filter((project) => project.type === 'type:app')
      .flatMap((project) => sourceFiles(project.root))
      .filter((file) => PURE_DOMAIN_FILE.test(file));
    expect(pure.length).toBeGreaterThanOrEqual(3);
    const offenders = pure.flatMap((file) =>
      importsOf(file)
        .filter((specifier) => FRAMEWORK.test(specifier) || specifier === '@throughline/service-kit')
        .map((specifier) => `${relative(root, file)}: ${specifier}`),
    );
    expect(offenders).toEqual([]);
  });
});
