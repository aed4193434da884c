import { appendFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import addFormats from 'ajv-formats';
import OpenAPIBackend, { Document } from 'openapi-backend';

/**
 * The conformance gate: every response a test receives through `apiAs` is checked against the
 * OpenAPI document its service serves — the status must be documented for the operation and the
 * body must match the schema documented for that status. An undocumented status or a mismatching
 * body fails the test that received it, so the documents (and the client generated from them)
 * cannot drift from what the services really answer.
 */
export class ConformanceError extends Error {}

/** Keyed by the document's text: a port a finished test freed may serve another service later. */
const validators = new Map<string, Promise<OpenAPIBackend>>();

/** The validator of the document served at `<baseUrl>/docs/openapi.json`, built once per document. */
export async function servedDocumentValidator(baseUrl: string): Promise<OpenAPIBackend> {
  const text = await (await fetch(`${baseUrl}/docs/openapi.json`)).text();
  let validator = validators.get(text);
  if (!validator) {
    validator = openApiValidator(JSON.parse(text) as Document);
    validators.set(text, validator);
  }
  return validator;
}

/** A validator of one document. Exported so the gate's own test can feed it a deliberately wrong one. */
export async function openApiValidator(document: Document): Promise<OpenAPIBackend> {
  const api = new OpenAPIBackend({
    definition: asValidated(document),
    // Compiles each operation's validators when first used: a whole document takes seconds.
    quick: true,
    validate: true,
    ajvOpts: { strict: false },
    customizeAjv: (ajv) => addFormats(ajv),
  });
  await api.init();
  return api;
}

/** openapi-backend validates `application/json` bodies only; errors are `application/problem+json`. */
function asValidated(document: Document): Document {
  type Response = { content?: Record<string, unknown> };
  type Paths = Record<string, Record<string, { responses?: Record<string, Response> }>>;
  const copy = structuredClone(document);
  for (const operations of Object.values(copy.paths as Paths))
    for (const operation of Object.values(operations))
      for (const response of Object.values(operation.responses ?? {}))
        if (response.content?.['application/problem+json'] && !response.content['application/json'])
          response.content['application/json'] = response.content['application/problem+json'];
  return copy;
}

export interface ReceivedResponse {
  method: string;
  /** Path and query as requested, e.g. /v1/goals?status=active */
  path: string;
  status: number;
  contentType: string | null;
  /** Whether the response carried an ETag header (documented ones must be sent, sent ones documented). */
  etag?: boolean;
  body: unknown;
}

/** Throws a ConformanceError saying what differs when the response does not match the document. */
export function assertConforms(api: OpenAPIBackend, received: ReceivedResponse): void {
  // CONFORMANCE_LOG=<file> counts what the gate saw in a run (one line per response checked).
  if (process.env.CONFORMANCE_LOG)
    appendFileSync(process.env.CONFORMANCE_LOG, `${api.definition.info.title}\t${received.status}\n`);
  const [path, query] = received.path.split('?');
  const operation = api.router.matchOperation({ method: received.method, path, query: query ?? '', headers: {} });
  const where = `${received.method} ${received.path} → ${received.status}`;
  if (!operation) throw new ConformanceError(`${where}: no operation of the served document matches this request`);
  const documented = (operation.responses ?? {}) as Record<string, unknown>;
  if (!documented[String(received.status)] && !documented.default)
    throw new ConformanceError(
      `${where}: status ${received.status} is not documented for ${operation.operationId} (documented: ${Object.keys(documented).join(', ')})`,
    );
  if (received.etag !== undefined) {
    const response = (documented[String(received.status)] ?? documented.default) as { headers?: object };
    const promised = Boolean(response.headers && 'ETag' in response.headers);
    if (promised !== received.etag)
      throw new ConformanceError(
        `${where}: ${promised ? 'the document promises an ETag header the response lacks' : 'the response sends an ETag header the document does not declare'}`,
      );
  }
  const json = /^application\/([a-z.+-]+\+)?json/.test(received.contentType ?? '');
  if (!json || received.body === undefined) return;
  const result = api.validator.validateResponse(received.body, operation, received.status);
  if (!result.valid)
    throw new ConformanceError(
      `${where}: the body does not match ${operation.operationId}'s documented schema: ${JSON.stringify(result.errors)} — body ${JSON.stringify(received.body).slice(0, 400)}`,
    );
}

/**
 * The gate for clients other than `apiAs` (the walkthroughs' curl scripts): a local proxy in front
 * of a service that passes every request through and checks every answer against the document the
 * service serves. `failures` lists what did not conform; `checked` counts the answers seen.
 */
export interface ConformanceProxy {
  url: string;
  checked: number;
  failures: string[];
  stop(): Promise<void>;
}

export async function startConformanceProxy(serviceUrl: string): Promise<ConformanceProxy> {
  const api = await servedDocumentValidator(serviceUrl);
  const proxy: ConformanceProxy = { url: '', checked: 0, failures: [], stop: async () => undefined };
  const server = createServer(async (request, reply) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name)),
    ) as Record<string, string>;
    const answer = await fetch(serviceUrl + request.url, {
      method: request.method,
      headers,
      body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
    const text = await answer.text();
    const contentType = answer.headers.get('content-type');
    try {
      const body = text && /json/.test(contentType ?? '') ? JSON.parse(text) : undefined;
      assertConforms(api, {
        method: request.method!,
        path: request.url!,
        status: answer.status,
        contentType,
        etag: answer.headers.has('etag'),
        body,
      });
    } catch (error) {
      proxy.failures.push((error as Error).message);
    }
    proxy.checked += 1;
    const passed = [...answer.headers].filter(
      ([name]) => !['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(name),
    );
    reply.writeHead(answer.status, Object.fromEntries(passed));
    reply.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return proxy;
}
