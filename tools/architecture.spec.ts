import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * What ESLint's module-boundary rule cannot check for itself (eslint.config.mjs enforces the
 * imports): it silently lets a project without a known tag import anything, so every project
 * must carry one known `type:` tag, and every service its own `scope:` tag.
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
});
