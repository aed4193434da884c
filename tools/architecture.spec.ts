import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * What ESLint's module-boundary rule cannot check for itself (eslint.config.mjs enforces the
 * imports): it silently lets a project without a known tag import anything, so every project
 * must carry one known `type:` tag, and every service its own `scope:` tag. Inside a service, the
 * folders under src/ (its domain areas) must not import each other in a circle.
 */
const root = resolve(__dirname, '..');
const dependsOn: Record<string, string[]> = JSON.parse(readFileSync(join(__dirname, 'module-boundaries.json'), 'utf8'));

const projects = ['apps', 'libs'].flatMap((folder) =>
  readdirSync(join(root, folder)).map((name) => ({
    folder,
    ...(JSON.parse(readFileSync(join(root, folder, name, 'project.json'), 'utf8')) as { name: string; tags: string[] }),
  })),
);

describe('architecture', () => {
  it.each(projects.map((project) => [project.name, project] as const))(
    '%s has exactly one known type tag',
    (_, project) => {
      const types = project.tags.filter((tag) => tag.startsWith('type:'));
      expect(types).toHaveLength(1);
      expect(Object.keys(dependsOn)).toContain(types[0]);
    },
  );

  it.each(
    projects.filter((project) => project.name.endsWith('-service')).map((project) => [project.name, project] as const),
  )('%s is an app with a scope of its own, which the lint rule keeps from the other services', (name, project) => {
    const scope = name.replace(/-service$/, '');
    expect(project.tags).toEqual(expect.arrayContaining(['type:app', `scope:${scope}`]));
    expect(readFileSync(join(root, 'eslint.config.mjs'), 'utf8')).toMatch(
      new RegExp(`SERVICES = \\[[^\\]]*'${scope}'`),
    );
  });

  it.each(projects.filter((project) => project.folder === 'apps').map((project) => [project.name] as const))(
    "%s's domain folders import each other in one direction only",
    (name) => {
      const graph = folderGraph(join(root, 'apps', name, 'src'));
      expect(cycleIn(graph)).toEqual([]);
    },
  );
});

/** For each top-level folder under `src`, the other top-level folders its files import. */
function folderGraph(src: string): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  const folders = new Set(
    readdirSync(src, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name),
  );
  const visit = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (/\.tsx?$/.test(entry.name) && !/\.spec\.tsx?$/.test(entry.name)) {
        const [from, ...inside] = relative(src, full).split('/');
        if (!inside.length) continue; // app.module.ts and main.ts wire the folders together
        for (const [, specifier] of readFileSync(full, 'utf8').matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
          const to = relative(src, resolve(dirname(full), specifier)).split('/')[0];
          if (to !== from && folders.has(to)) (graph.get(from) ?? graph.set(from, new Set()).get(from)!).add(to);
        }
      }
    }
  };
  visit(src);
  return graph;
}

/** One circle of folders (a → b → … → a), or [] when there is none. */
function cycleIn(graph: Map<string, Set<string>>): string[] {
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const walk = (node: string): string[] => {
    if (state.get(node) === 'done') return [];
    if (state.get(node) === 'visiting') return [...path.slice(path.indexOf(node)), node];
    state.set(node, 'visiting');
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = walk(next);
      if (cycle.length) return cycle;
    }
    path.pop();
    state.set(node, 'done');
    return [];
  };
  for (const node of graph.keys()) {
    const cycle = walk(node);
    if (cycle.length) return cycle;
  }
  return [];
}
