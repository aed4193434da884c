import type { OpenAPIObject, OperationObject, PathItemObject, ResponseObject, SchemaObject } from '@nestjs/swagger';
import { PROBLEM_JSON } from './problem-details.filter';

/**
 * Makes explicit, once for every operation, what the decorators leave implicit:
 * - `string | null` properties reflect as `Object`, so @nestjs/swagger writes `type: object`; the value's
 *   real type is known from its format, enum or example; a nullable enum lists null among its values;
 * - the errors a guarded operation can answer (400, 401, 403, 404, 409, 413, 415, 422, 429) with the
 *   problem+json body they carry, beside those an operation declares itself (409, 412, 428, 503…);
 * - the `ETag` header of every success with a body of an update guarded by If-Match (it answers the
 *   new version) and of every read of one versioned resource (a body with a `version`, or a budget's
 *   `revision`); the conformance gate checks it both ways: promised and sent, sent and promised.
 */
export function exactDocument(document: OpenAPIObject): OpenAPIObject {
  const schemas = { ...(document.components?.schemas ?? {}) } as Record<string, SchemaObject>;
  for (const schema of Object.values(schemas)) exactSchema(schema);
  schemas.Problem = PROBLEM_SCHEMA;
  schemas.FieldProblem = FIELD_PROBLEM_SCHEMA;
  for (const [path, operations] of Object.entries(document.paths) as [string, PathItemObject][]) {
    for (const method of ['get', 'put', 'post', 'patch', 'delete'] as const) {
      const operation = operations[method];
      if (operation) operation.responses = exactResponses(path, method, operation, schemas);
    }
  }
  return { ...document, components: { ...document.components, schemas } };
}

/** Formats that only strings carry. */
const STRING_FORMATS = new Set(['uuid', 'date', 'date-time', 'email', 'uri', 'binary', 'byte', 'password']);

function exactSchema(schema: SchemaObject): void {
  for (const property of Object.values(schema.properties ?? {}) as SchemaObject[]) {
    if (property.type === 'object' && !property.properties && !property.additionalProperties) {
      const type = scalarTypeOf(property);
      if (type) property.type = type;
    }
    // A nullable enum must list null too, or validators refuse the null it allows.
    if (property.nullable && property.enum && !property.enum.includes(null)) property.enum = [...property.enum, null];
    if (property.type === 'array' && property.items) exactSchema({ properties: { items: property.items } });
    exactSchema(property);
  }
}

/** The scalar a property really holds when its declared type is a reflected `Object`. */
function scalarTypeOf(property: SchemaObject): SchemaObject['type'] | undefined {
  if (property.format && STRING_FORMATS.has(property.format)) return 'string';
  const sample = property.enum?.find((value: unknown) => value !== null) ?? property.example;
  if (typeof sample === 'string') return 'string';
  if (typeof sample === 'boolean') return 'boolean';
  if (typeof sample === 'number') return Number.isInteger(sample) && property.format === 'int32' ? 'integer' : 'number';
  return undefined;
}

/** What each error status means here, as the documents say it. */
export const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'The request is malformed or a field is invalid; `errors` names each field',
  401: 'No valid bearer token (the response carries WWW-Authenticate)',
  403: 'The caller may not do this',
  404: 'No such resource in the caller’s organisation',
  409: 'The request conflicts with the current state',
  412: 'The resource changed since you read it: read it again and retry',
  413: 'The request body is larger than the limit',
  415: 'The body is not application/json',
  422: 'The request is well-formed but breaks a domain rule; `detail` says which',
  428: 'If-Match is missing',
  429: 'Too many requests from this caller: retry after the Retry-After seconds',
  503: 'The service cannot answer right now: retry in a moment',
};

function exactResponses(
  path: string,
  method: string,
  operation: OperationObject,
  schemas: Record<string, SchemaObject>,
): OperationObject['responses'] {
  const guarded = Boolean(operation.security?.length);
  const write = method !== 'get';
  const filtered = (operation.parameters ?? []).some((parameter) => 'in' in parameter && parameter.in === 'query');
  const statuses = [
    ...(guarded && (write || operation.parameters?.length) ? [400] : []),
    ...(guarded ? [401, 403, 429] : []),
    // A write names other resources (its parent, an owner, a unit), which may not exist.
    ...(guarded && (write || path.includes('{')) ? [404] : []),
    ...(operation.requestBody ? [413, 415] : []),
    // Domain rules: a write may conflict with the current state (409) or break a rule (422);
    // a list's filters may contradict each other (a period ending before it starts).
    ...(guarded && write ? [409, 422] : []),
    ...(guarded && !write && filtered ? [422] : []),
  ];
  const responses = { ...operation.responses } as Record<string, ResponseObject>;
  for (const status of statuses) responses[status] ??= { description: PROBLEM_DESCRIPTIONS[status] };
  const guardedByIfMatch = (operation.parameters ?? []).some(
    (parameter) => 'in' in parameter && parameter.in === 'header' && parameter.name === 'If-Match',
  );
  for (const [status, response] of Object.entries(responses)) {
    if (Number(status) < 300 && status !== '204' && (guardedByIfMatch || isVersionedResource(response, schemas)))
      response.headers = { ...response.headers, ETag: ETAG_HEADER };
    if (Number(status) >= 400 && Number(status) < 500 && !response.content)
      response.content = { [PROBLEM_JSON]: { schema: { $ref: '#/components/schemas/Problem' } } };
  }
  return responses;
}

const ETAG_HEADER = {
  description: 'The version of the resource, quoted (e.g. "3"): send it back in If-Match to update it',
  required: true,
  schema: { type: 'string', example: '"3"' },
};

/** A body that is one resource with an optimistic-concurrency version (not a page of them). */
function isVersionedResource(response: ResponseObject, schemas: Record<string, SchemaObject>): boolean {
  const reference = (response.content?.['application/json']?.schema as { $ref?: string } | undefined)?.$ref;
  const properties = reference ? schemas[reference.replace('#/components/schemas/', '')]?.properties : undefined;
  return Boolean(properties?.version ?? properties?.revision);
}

const FIELD_PROBLEM_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['field', 'message'],
  properties: {
    field: { type: 'string', example: 'title', description: 'The field, dotted when nested (budget.currency)' },
    message: { type: 'string', example: 'title must not be blank' },
  },
};

/** RFC 9457 problem details, as every error leaves the services. */
const PROBLEM_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'instance'],
  properties: {
    type: { type: 'string', example: 'about:blank' },
    title: { type: 'string', example: 'Bad request' },
    status: { type: 'integer', example: 400 },
    detail: { type: 'string', example: 'title: title must not be blank' },
    instance: { type: 'string', example: '/v1/goals' },
    errors: { type: 'array', items: { $ref: '#/components/schemas/FieldProblem' } },
    correlationId: { type: 'string' },
  },
};
