import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { Topics } from '@throughline/contracts';
import { Actor, mintDevToken, Role, ROLES } from '@throughline/service-kit';
import {
  ApiClient,
  startTestService,
  TestService,
  uniqueTag,
  waitFor,
  setUpOrganisation,
  ExecutionTestKit,
} from '@throughline/testing';
import { AppModule as IntegrationsApp } from '../../apps/integrations-service/src/app.module';
import { integrationsDatabase } from '../../apps/integrations-service/src/database/integrations-database';
import { AppModule as ExecutionApp } from '../../apps/execution-service/src/app.module';
import { executionDatabase } from '../../apps/execution-service/src/database/execution-database';
import { AppModule as MetricsApp } from '../../apps/metrics-service/src/app.module';
import { metricsDatabase } from '../../apps/metrics-service/src/database/metrics-database';
import { AppModule as StrategyApp } from '../../apps/strategy-service/src/app.module';
import { strategyDatabase } from '../../apps/strategy-service/src/database/strategy-database';
import { executionEndpoints, ExecutionFixture, executionFixture, executionOrganisation } from './execution-endpoints';
import {
  integrationsEndpoints,
  IntegrationsFixture,
  integrationsFixture,
  integrationsOrganisation,
  StrategyEvents,
} from './integrations-endpoints';
import { metricsEndpoints, MetricsFixture, metricsOrganisation } from './metrics-endpoints';
import {
  documentedEndpoints,
  EndpointEntry,
  EndpointRequest,
  StrategyFixture,
  strategyEndpoints,
  strategyFixture,
} from './strategy-endpoints';

const RUNS_PER_ENDPOINT = 150;
/** Fewer for the services whose writes are few and simple; together a few thousand requests in well under two minutes. */
const RUNS_PER_ENDPOINT_ELSEWHERE = 100;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** A request as sent on the wire: the body as raw text, so malformed JSON can be sent too. */
interface HostileRequest {
  path: string;
  text?: string;
  headers: Record<string, string>;
  what: string;
}

/** What the OpenAPI document says of a request body: which fields are required, which may be null. */
interface BodySchema {
  required: string[];
  nullable: string[];
}

/** Whole-number fields where a huge or negative value must be refused (money in minor units, 1–5 scores). */
const WHOLE_NUMBER = /Minor$|^likelihood$|^impact$/;

const wrongTypeFor = (field: string, value: unknown): fc.Arbitrary<unknown> => {
  const containers = fc.oneof(
    fc.array(fc.jsonValue(), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue(), { maxKeys: 3 }),
  );
  // NaN and ±Infinity would be sent as JSON null, which a nullable field rightly accepts.
  const finiteDouble = fc.double({ noNaN: true, noDefaultInfinity: true });
  if (typeof value === 'string') return fc.oneof(fc.integer(), finiteDouble, fc.boolean(), containers);
  if (typeof value === 'number')
    return WHOLE_NUMBER.test(field)
      ? fc.oneof(
          fc.string(),
          fc.boolean(),
          containers,
          fc.constantFrom(Number.MAX_VALUE, 1e300, -1e300, 2 ** 63, 0.5, -1),
        )
      : fc.oneof(fc.string(), fc.boolean(), containers);
  if (Array.isArray(value))
    return fc.oneof(
      fc.string(),
      fc.integer(),
      fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue(), { maxKeys: 3 }),
      fc.array(fc.jsonValue(), { minLength: 1, maxLength: 3 }),
    );
  return fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.array(fc.jsonValue(), { maxLength: 3 }));
};

const stringFields = (body: unknown): Record<string, string> =>
  Object.fromEntries(
    Object.entries((body ?? {}) as Record<string, unknown>).map(([key, value]) => [key, String(value)]),
  );

/** Ways to spoil a valid request; each one alone must be refused with a 4xx. */
function hostileRequests(
  valid: EndpointRequest,
  hasBody: boolean,
  schema: BodySchema,
): fc.Arbitrary<HostileRequest> | undefined {
  const headers = { 'content-type': 'application/json', ...(valid.headers ?? {}) };
  const json = (body: unknown, what: string): HostileRequest => ({
    path: valid.path,
    text: JSON.stringify(body),
    headers,
    what,
  });
  const raw = (text: string, what: string): HostileRequest => ({ path: valid.path, text, headers, what });
  const variants: Array<fc.Arbitrary<HostileRequest>> = [];
  const ids = valid.path.match(new RegExp(UUID, 'gi')) ?? [];
  if (ids.length) {
    const hostileId = fc.oneof(
      fc.string({ minLength: 1 }),
      fc.constantFrom(
        "1' OR '1'='1",
        '1; DROP TABLE goal;--',
        '../../etc/passwd',
        '%00',
        'ffffffff-ffff-ffff-ffff-ffffffffffffff',
        '0'.repeat(5000),
      ),
    );
    variants.push(
      fc.tuple(fc.constantFrom(...ids), hostileId).map(([id, bad]) => ({
        path: valid.path.replace(id, encodeURIComponent(bad)),
        text: hasBody ? JSON.stringify(valid.body) : undefined,
        headers,
        what: `path id ${JSON.stringify(bad)}`,
      })),
    );
  }
  if (valid.headers?.['if-match']) {
    const badIfMatch = fc
      .oneof(
        fc.string().filter((text) => !/^\s*"?\d+"?\s*$/.test(text) && !/[\r\n\0]/.test(text)),
        fc.constantFrom('"99999999999999999999"', '"-1"', '"0"', '*', 'W/"x"'),
      )
      .filter((value) => value !== valid.headers?.['if-match']);
    variants.push(
      badIfMatch.map((value) => ({
        path: valid.path,
        text: hasBody ? JSON.stringify(valid.body) : undefined,
        headers: { ...headers, 'if-match': value },
        what: `If-Match ${JSON.stringify(value)}`,
      })),
    );
  }
  if (valid.path.includes('?')) {
    const [base] = valid.path.split('?');
    variants.push(
      fc
        .oneof(
          fc.constant(`${base}`),
          fc.constant(`${base}?reason=a&reason=b`),
          fc.integer({ min: 2_001, max: 8_000 }).map((size) => `${base}?reason=${'r'.repeat(size)}`),
        )
        .map((path) => ({ path, headers, what: `query ${path.slice(0, 80)}` })),
    );
  }
  if (hasBody && valid.body && typeof valid.body === 'object') {
    const body = valid.body as Record<string, unknown>;
    const fields = Object.keys(body);
    variants.push(
      fc
        .tuple(fc.string({ minLength: 1, maxLength: 20 }), fc.jsonValue())
        .map(([key, value]) => json({ ...body, [`x-${key}`]: value }, `unknown field x-${key}`)),
    );
    if (fields.length) {
      variants.push(
        fc
          .constantFrom(...fields)
          .chain((field) =>
            fc
              .oneof(wrongTypeFor(field, body[field]), ...(schema.nullable.includes(field) ? [] : [fc.constant(null)]))
              .map((value) => json({ ...body, [field]: value }, `${field} = ${JSON.stringify(value)?.slice(0, 80)}`)),
          ),
      );
      const strings = fields.filter((field) => typeof body[field] === 'string');
      if (strings.length) {
        // Text PostgreSQL cannot store as sent: NUL (refused by text and jsonb), lone surrogates.
        variants.push(
          fc
            .tuple(fc.constantFrom(...strings), fc.constantFrom('\u0000', 'a\u0000b', '\ud800', 'x\udc00y'))
            .map(([field, value]) => json({ ...body, [field]: value }, `${field} = ${JSON.stringify(value)}`)),
        );
        // Objects that break a conversion to a primitive.
        variants.push(
          fc
            .tuple(fc.constantFrom(...fields), fc.constantFrom({ toString: 'x' }, { valueOf: 1 }, { toJSON: null }))
            .map(([field, value]) => json({ ...body, [field]: value }, `${field} = ${JSON.stringify(value)}`)),
        );
      }
      const names = strings.filter((field) => /^(name|title)$/.test(field));
      if (names.length)
        variants.push(
          fc
            .tuple(fc.constantFrom(...names), fc.constantFrom(' ', '   ', '\t', '\n \n', '\u00a0'))
            .map(([field, blank]) => json({ ...body, [field]: blank }, `blank ${field} ${JSON.stringify(blank)}`)),
        );
      if (strings.length)
        variants.push(
          fc
            .tuple(fc.constantFrom(...strings), fc.integer({ min: 2_001, max: 200_000 }))
            .map(([field, size]) => json({ ...body, [field]: 'x'.repeat(size) }, `${field} of ${size} characters`)),
        );
      const required = fields.filter((field) => schema.required.includes(field));
      if (required.length)
        variants.push(
          fc
            .constantFrom(...required)
            .map((field) =>
              json(Object.fromEntries(Object.entries(body).filter(([key]) => key !== field)), `without ${field}`),
            ),
        );
    }
    variants.push(
      fc
        .oneof(fc.array(fc.jsonValue(), { maxLength: 3 }), fc.integer(), fc.string(), fc.constant(null), fc.boolean())
        .map((value) => json(value, `body ${JSON.stringify(value)?.slice(0, 60)}`)),
    );
    variants.push(fc.string().map((tail) => raw(`{"${tail}`, 'malformed JSON')));
    // The valid body, sent as something other than JSON, must not be taken as "no fields".
    if (Object.keys(body).length)
      variants.push(
        fc
          .constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data')
          .map((type) => ({
            path: valid.path,
            text:
              type === 'application/x-www-form-urlencoded'
                ? new URLSearchParams(stringFields(body)).toString()
                : JSON.stringify(body),
            headers: { ...headers, 'content-type': type },
            what: `the body as ${type}`,
          })),
      );
    variants.push(
      fc
        .integer({ min: 300, max: 2_000 })
        .map((depth) => raw(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`, `nested ${depth} deep`)),
    );
    variants.push(
      fc
        .integer({ min: 270_000, max: 600_000 })
        .map((size) => raw(JSON.stringify({ padding: 'x'.repeat(size) }), `body of ${size} bytes`)),
    );
  }
  return variants.length ? fc.oneof(...variants) : undefined;
}

/** A checksum of every table of the service's schema; the outbox by its rows, since the relay marks them published. */
async function databaseFingerprint(dataSource: DataSource, schema: string): Promise<Record<string, string>> {
  const tables: Array<{ table_name: string }> = await dataSource.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name`,
    [schema],
  );
  const fingerprint: Record<string, string> = {};
  for (const { table_name: table } of tables) {
    const [row] =
      table === 'outbox_event'
        ? await dataSource.query(
            `SELECT count(*)::text || ':' || coalesce(max(seq), 0)::text AS sum FROM "${schema}".outbox_event`,
          )
        : await dataSource.query(
            `SELECT count(*)::text || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') AS sum FROM "${schema}"."${table}" t`,
          );
    fingerprint[table] = row.sum;
  }
  return fingerprint;
}

/** What a suite needs of a running service: its endpoints, a fixture, and the actors allowed to change it. */
interface HostileTarget<F> {
  service: TestService;
  fixture: F;
  actors: Record<Role, Actor>;
  caller: ApiClient;
  stop(): Promise<void>;
}

const tried: Record<string, number> = {};

/**
 * Generated malformed, oversized and type-confused requests to every write endpoint of a
 * service, each sent by the role allowed to make the change (so what is tested is the
 * input, not the permission): only 4xx problem+json without internals, every table as it
 * was, no event in the outbox, and the service still ready.
 */
function hostileInputSuite<F>(
  name: string,
  endpoints: Record<string, EndpointEntry<F>>,
  runs: number,
  start: () => Promise<HostileTarget<F>>,
): void {
  describe(`hostile input: ${name}`, () => {
    let target: HostileTarget<F>;
    /** "METHOD /path" of every operation with a request body → its schema's required and nullable fields. */
    let bodies: Map<string, BodySchema>;

    beforeAll(async () => {
      target = await start();
      type Operation = { requestBody?: { content: Record<string, { schema: { $ref: string } }> } };
      type Schema = { required?: string[]; properties?: Record<string, { nullable?: boolean }> };
      const document = (await (await fetch(`${target.service.url}/docs/openapi.json`)).json()) as {
        paths: Record<string, Record<string, Operation>>;
        components: { schemas: Record<string, Schema> };
      };
      const requiredOf = (operation: Operation): BodySchema => {
        const schema =
          document.components.schemas[
            operation.requestBody!.content['application/json'].schema.$ref.split('/').pop()!
          ] ?? {};
        return {
          required: schema.required ?? [],
          nullable: Object.entries(schema.properties ?? {})
            .filter(([, property]) => property.nullable)
            .map(([name]) => name),
        };
      };
      bodies = new Map(
        Object.entries(document.paths).flatMap(([path, operations]) =>
          Object.entries(operations)
            .filter(([, operation]) => operation.requestBody?.content['application/json'])
            .map(
              ([method, operation]) =>
                [`${method.toUpperCase()} ${path}`, requiredOf(operation)] as [string, BodySchema],
            ),
        ),
      );
    });
    afterAll(async () => target?.stop());

    it('covers every documented write endpoint', async () => {
      const writes = (await documentedEndpoints(target.service.url)).filter((endpoint) => !endpoint.startsWith('GET '));
      expect(writes.filter((endpoint) => !endpoints[endpoint])).toEqual([]);
    });

    it.each(Object.keys(endpoints).filter((endpoint) => !endpoint.startsWith('GET ')))(
      '%s refuses every generated hostile request with a 4xx problem+json and changes nothing',
      async (endpoint) => {
        const entry = endpoints[endpoint];
        const role = ROLES.find((candidate) => entry.expected[candidate].own < 300) ?? 'admin';
        const authorization = `Bearer ${await mintDevToken(target.actors[role])}`;
        const [method] = endpoint.split(' ');
        const valid = await entry.request(target.fixture, target.caller);
        const variants = hostileRequests(
          valid,
          bodies.has(endpoint),
          bodies.get(endpoint) ?? { required: [], nullable: [] },
        );
        if (!variants) return;
        const { dataSource, schema } = target.service;
        await waitFor(
          async () =>
            (await dataSource.query(`SELECT count(*)::int AS n FROM outbox_event WHERE published_at IS NULL`))[0].n ===
            0
              ? true
              : undefined,
          { what: 'the outbox to drain' },
        );
        const before = await databaseFingerprint(dataSource, schema);
        const failures: string[] = [];
        await fc
          .assert(
            fc.asyncProperty(variants, async (request) => {
              tried[`${name} ${endpoint}`] = (tried[`${name} ${endpoint}`] ?? 0) + 1;
              const response = await fetch(target.service.url + request.path, {
                method,
                headers: { ...request.headers, authorization },
                body: request.text,
              }).catch((error: Error) => error);
              if (response instanceof Error) {
                failures.push(`${request.what} → no answer: ${response.message}`);
                return false;
              }
              const text = await response.text();
              const problem = response.headers.get('content-type')?.includes('application/problem+json');
              if (
                response.status < 400 ||
                response.status >= 500 ||
                !problem ||
                /at \S+ \(|QueryFailedError|SELECT |INSERT /.test(text)
              ) {
                failures.push(`${request.what} → ${response.status} ${text.slice(0, 200)}`);
                return false;
              }
              return true;
            }),
            { numRuns: runs, endOnFailure: true },
          )
          // The failing request is in `failures`; fast-check's first line adds the seed to replay it.
          .catch((error: Error) => failures.push(error.message.split('\n')[0]));
        expect(failures).toEqual([]);
        expect(await databaseFingerprint(dataSource, schema)).toEqual(before);
        expect((await fetch(`${target.service.url}/health/ready`)).status).toBe(200);
      },
    );
  });
}

/** An update that changes nothing keeps every table (so the version and the outbox) as they were. */
function emptyUpdateSuite<F>(
  name: string,
  endpoints: Record<string, EndpointEntry<F>>,
  start: () => Promise<HostileTarget<F>>,
) {
  const patches = Object.keys(endpoints).filter((endpoint) => endpoint.startsWith('PATCH '));
  if (!patches.length) return;
  describe(`an update that changes nothing: ${name}`, () => {
    let target: HostileTarget<F>;
    beforeAll(async () => {
      target = await start();
    });
    afterAll(async () => target?.stop());

    it.each(patches)('%s with {} answers 200 and writes nothing', async (endpoint) => {
      const entry = endpoints[endpoint];
      const role = ROLES.find((candidate) => entry.expected[candidate].own < 300) ?? 'admin';
      const valid = await entry.request(target.fixture, target.caller);
      const { dataSource, schema } = target.service;
      const before = await databaseFingerprint(dataSource, schema);
      const response = await fetch(target.service.url + valid.path, {
        method: 'PATCH',
        headers: {
          'content-type': 'application/json',
          ...(valid.headers ?? {}),
          authorization: `Bearer ${await mintDevToken(target.actors[role])}`,
        },
        body: '{}',
      });
      expect(response.status).toBe(200);
      expect(await databaseFingerprint(dataSource, schema)).toEqual(before);
    });
  });
}

afterAll(() => {
  // The closing figure of the issue: how many generated requests were tried.
  process.stdout.write(
    `hostile input: ${Object.values(tried).reduce((sum, count) => sum + count, 0)} generated requests over ${Object.keys(tried).length} write endpoints\n`,
  );
});

async function startStrategy(): Promise<HostileTarget<StrategyFixture>> {
  const service = await startTestService(StrategyApp, { tag: uniqueTag(), database: strategyDatabase });
  const acme = await setUpOrganisation(service.url, 'Acme Devices');
  const fixture = await strategyFixture(acme);
  const actors: Record<Role, Actor> = {
    director: { personId: acme.director.id, orgId: acme.orgId, role: 'director' },
    manager: { personId: acme.managers[0].id, orgId: acme.orgId, role: 'manager' },
    integrator: { personId: acme.integrator.id, orgId: acme.orgId, role: 'integrator' },
    admin: { personId: randomUUID(), orgId: acme.orgId, role: 'admin' },
  };
  return { service, fixture, actors, caller: acme.admin, stop: () => service.stop() };
}

async function startExecution(): Promise<HostileTarget<ExecutionFixture>> {
  const kit = await ExecutionTestKit.start(ExecutionApp, executionDatabase);
  const acme = await executionOrganisation(kit);
  const fixture = await executionFixture(kit, acme);
  return { service: kit.service, fixture, actors: acme.actors, caller: acme.clients.manager, stop: () => kit.stop() };
}

async function startIntegrations(): Promise<HostileTarget<IntegrationsFixture>> {
  const tag = uniqueTag();
  await StrategyEvents.createTopics(tag, Object.values(Topics));
  const service = await startTestService(IntegrationsApp, { tag, database: integrationsDatabase });
  const events = await StrategyEvents.start(tag);
  const acme = await integrationsOrganisation(service.url);
  const fixture = await integrationsFixture(service, events, acme);
  const actors = Object.fromEntries(
    ROLES.map((role) => [role, { personId: randomUUID(), orgId: acme.orgId, role }]),
  ) as Record<Role, Actor>;
  return {
    service,
    fixture,
    actors,
    caller: acme.clients.integrator,
    stop: async () => {
      await events.stop();
      await service.stop();
    },
  };
}

async function startMetrics(): Promise<HostileTarget<MetricsFixture>> {
  const tag = uniqueTag();
  await StrategyEvents.createTopics(tag, Object.values(Topics));
  const service = await startTestService(MetricsApp, { tag, database: metricsDatabase });
  const acme = await metricsOrganisation(service, tag);
  const actors = Object.fromEntries(
    ROLES.map((role) => [role, { personId: randomUUID(), orgId: acme.orgId, role }]),
  ) as Record<Role, Actor>;
  return { service, fixture: acme, actors, caller: acme.clients.admin, stop: () => service.stop() };
}

hostileInputSuite('strategy service', strategyEndpoints, RUNS_PER_ENDPOINT, startStrategy);
hostileInputSuite('execution service', executionEndpoints, RUNS_PER_ENDPOINT_ELSEWHERE, startExecution);
hostileInputSuite('integrations service', integrationsEndpoints, RUNS_PER_ENDPOINT_ELSEWHERE, startIntegrations);
hostileInputSuite('metrics service', metricsEndpoints, RUNS_PER_ENDPOINT_ELSEWHERE, startMetrics);
emptyUpdateSuite('strategy service', strategyEndpoints, startStrategy);
emptyUpdateSuite('execution service', executionEndpoints, startExecution);
emptyUpdateSuite('integrations service', integrationsEndpoints, startIntegrations);
emptyUpdateSuite('metrics service', metricsEndpoints, startMetrics);

describe('hostile input: prototype pollution', () => {
  let service: TestService;
  afterAll(async () => service?.stop());

  it('refuses __proto__ and constructor keys (400) and cannot be polluted through them', async () => {
    service = await startTestService(StrategyApp, { tag: uniqueTag(), database: strategyDatabase });
    const acme = await setUpOrganisation(service.url, 'Acme Devices');
    const fixture = await strategyFixture(acme);
    const authorization = `Bearer ${await mintDevToken({ personId: acme.director.id, orgId: acme.orgId, role: 'director' })}`;
    for (const key of ['__proto__', 'constructor']) {
      const text = `{"${key}":{"polluted":true,"prototype":{"polluted":true}},"title":"Launch the X400"}`;
      const response = await fetch(`${service.url}/v1/goals/${fixture.goalId}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', authorization, 'if-match': '"999"' },
        body: text,
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      // The parser meets the innermost refused key first (here "prototype").
      expect(((await response.json()) as { detail: string }).detail).toMatch(
        /"(__proto__|constructor|prototype)" is not allowed/,
      );
    }
    // The service runs in this process: a polluted Object.prototype would show here.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
  });
});
