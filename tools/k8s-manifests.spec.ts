import { readFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { parseAllDocuments } from 'yaml';
import * as models from 'kubernetes-models';
import * as monitoring from '@kubernetes-models/prometheus-operator';

/**
 * The Kubernetes manifests, rendered the way `kubectl apply -k` collects them (each
 * kustomization's resources, recursively), validated against the Kubernetes schemas and
 * checked for the restricted Pod Security Standard and what each service needs to run.
 */
const K8S = join(__dirname, '..', 'deploy', 'k8s');
const SERVICES = ['strategy-service', 'execution-service', 'metrics-service', 'integrations-service'];

type Manifest = { apiVersion: string; kind: string; metadata: { name: string }; [field: string]: any };

function render(kustomizationDir: string): Manifest[] {
  const kustomization = parseAllDocuments(readFileSync(join(kustomizationDir, 'kustomization.yaml'), 'utf8'))[0].toJS();
  return (kustomization.resources as string[]).flatMap((entry) => {
    const path = resolve(kustomizationDir, entry);
    if (!path.endsWith('.yaml')) {
      // kustomize refuses a base that contains the overlay using it ("cycle detected").
      if (kustomizationDir.startsWith(path + sep))
        throw new Error(`${kustomizationDir} uses ${path}, which contains it: kustomize refuses that`);
      return render(path);
    }
    return parseAllDocuments(readFileSync(path, 'utf8'))
      .map((document) => document.toJS() as Manifest | null)
      .filter((manifest): manifest is Manifest => manifest !== null);
  });
}

/** The model class of an object: `networking.k8s.io/v1` NetworkPolicy → networkingK8sIo.v1.NetworkPolicy. */
function modelOf(manifest: Manifest): { new (data: unknown): { validate(): void } } {
  const [group, version] = manifest.apiVersion.includes('/')
    ? manifest.apiVersion.split('/')
    : ['', manifest.apiVersion];
  const groupKey = group.replace(/\.([a-z])/g, (_match, letter: string) => letter.toUpperCase());
  const groups: Record<string, any> = { ...models, ...monitoring };
  const model = (group === '' ? groups[version] : groups[groupKey]?.[version])?.[manifest.kind];
  if (!model) throw new Error(`no schema known for ${manifest.apiVersion} ${manifest.kind}`);
  return model;
}

describe.each([
  ['base', join(K8S, 'base')],
  ['dev overlay', join(K8S, 'overlays', 'dev')],
  ['prod overlay', join(K8S, 'overlays', 'prod')],
])('Kubernetes manifests: %s', (_name, dir) => {
  const manifests = render(dir);
  const ofKind = (kind: string) => manifests.filter((manifest) => manifest.kind === kind);

  it('are each valid against the Kubernetes schemas', () => {
    expect(manifests.length).toBeGreaterThan(10);
    for (const manifest of manifests) {
      const Model = modelOf(manifest);
      expect(() => new Model(manifest).validate()).not.toThrow();
    }
  });

  it('run every pod under the restricted Pod Security Standard, with resources set', () => {
    const pods = [...ofKind('Deployment'), ...ofKind('Job')].map((workload) => ({
      name: `${workload.kind} ${workload.metadata.name}`,
      spec: workload.spec.template.spec,
    }));
    expect(pods.length).toBeGreaterThanOrEqual(SERVICES.length);
    for (const { name, spec } of pods) {
      expect({ name, pod: spec.securityContext }).toMatchObject({
        name,
        pod: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      });
      for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
        expect({ name, container: container.securityContext }).toMatchObject({
          name,
          container: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
        });
        expect(container.resources?.requests?.memory).toBeDefined();
        expect(container.resources?.limits?.memory).toBeDefined();
      }
    }
  });

  it('give each service a disruption budget, autoscaling and a network policy', () => {
    for (const service of SERVICES) {
      const named = (kind: string) => ofKind(kind).find((manifest) => manifest.metadata.name === service);
      expect(named('Deployment')).toBeDefined();
      expect(named('PodDisruptionBudget')).toBeDefined();
      expect(named('HorizontalPodAutoscaler')?.spec.scaleTargetRef).toEqual({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: service,
      });
      expect(named('NetworkPolicy')?.spec.podSelector.matchLabels).toEqual({ app: service });
    }
  });

  it('migrate before each service (and the dashboard) starts, in an init container that applying again never conflicts with', () => {
    const deployments = ofKind('Deployment');
    expect(deployments.map((deployment) => deployment.metadata.name)).toEqual(expect.arrayContaining(SERVICES));
    for (const deployment of deployments) {
      const pod = deployment.spec.template.spec;
      const [serve] = pod.containers;
      // Init containers finish before the service's container starts: the service waits for its migrations.
      expect(pod.initContainers).toHaveLength(1);
      const [migrate] = pod.initContainers;
      // The same configuration; the serving process's own heap setting (NODE_OPTIONS) aside.
      const configuration = (env: Array<{ name: string }>) =>
        env.filter((variable) => variable.name !== 'NODE_OPTIONS');
      expect(migrate).toMatchObject({ image: serve.image, args: ['migrate'], envFrom: serve.envFrom });
      expect(configuration(migrate.env)).toEqual(configuration(serve.env));
    }
    // Jobs are immutable: one applied again with a new image is refused until deleted.
    expect(ofKind('Job')).toEqual([]);
  });

  it('hold no Secret, so applying them never overwrites one made by hand', () => {
    expect(ofKind('Secret')).toEqual([]);
  });
});

it('the prod overlay has Prometheus Operator scrape every service', () => {
  const monitors = render(join(K8S, 'overlays', 'prod')).filter((manifest) => manifest.kind === 'ServiceMonitor');
  expect(monitors.map((monitor) => monitor.spec.selector.matchLabels.app).sort()).toEqual([...SERVICES].sort());
});

it('the metrics rebuild Job (kubectl create, outside every kustomization) is valid and runs as the metrics pods do', () => {
  const [job] = parseAllDocuments(readFileSync(join(K8S, 'jobs', 'metrics-rebuild.yaml'), 'utf8')).map(
    (document) => document.toJS() as Manifest,
  );
  // generateName: each `kubectl create` is a new Job; modelOf validates the rest.
  const Model = modelOf(job);
  expect(() => new Model(job).validate()).not.toThrow();
  const pod = job.spec.template.spec;
  const [rebuild] = pod.containers;
  expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  expect(rebuild.securityContext).toMatchObject({
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
  });
  expect(rebuild.command).toContain('dist/apps/metrics-service/src/rebuild.js');
  const [serve] = render(join(K8S, 'base')).find(
    (manifest) => manifest.kind === 'Deployment' && manifest.metadata.name === 'metrics-service',
  )!.spec.template.spec.containers;
  expect({ image: rebuild.image, env: rebuild.env, envFrom: rebuild.envFrom }).toEqual({
    image: serve.image,
    env: serve.env,
    envFrom: serve.envFrom,
  });
});
