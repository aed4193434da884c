/**
 * Backward compatibility of event schemas: a changed schema must still accept every
 * event its released version accepted (events stay on the topics and are replayed; and
 * consumers written against the release must keep finding what it promised). A change
 * that breaks this needs a new type version (….v2) published next to the old one.
 * Plain JSON Schema in, a list of problems out: no I/O.
 */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  patternProperties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  const?: unknown;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  [keyword: string]: unknown;
}

export interface Incompatibility {
  /** Where in the data, e.g. `data.deliverables[].title`. */
  path: string;
  problem: string;
}

/** Bounds that accept less when they grow, and those that accept less when they shrink. */
const LOWER_BOUNDS = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties'] as const;
const UPPER_BOUNDS = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties'] as const;
/** Keywords that can only stay as they were or go away. */
const FIXED = ['format', 'pattern', 'multipleOf'] as const;

export function checkCompatibility(released: JsonSchema, current: JsonSchema, path = 'data'): Incompatibility[] {
  const releasedBranches = branches(released);
  const currentBranches = branches(current);
  if (releasedBranches.length > 1 || currentBranches.length > 1) {
    // Every shape the release accepted must be accepted by some shape of the current schema.
    return releasedBranches.flatMap((old) => {
      const candidates = currentBranches.map((candidate) => checkCompatibility(old, candidate, path));
      if (candidates.some((problems) => problems.length === 0)) return [];
      const closest = candidates.sort((a, b) => a.length - b.length)[0] ?? [];
      return closest.length ? closest : [{ path, problem: `no longer accepts ${describe(old)}` }];
    });
  }
  return compareSingle(released, current, path);
}

function compareSingle(released: JsonSchema, current: JsonSchema, path: string): Incompatibility[] {
  const problems: Incompatibility[] = [];
  const report = (problem: string, at = path) => problems.push({ path: at, problem });

  const oldTypes = typesOf(released);
  const newTypes = typesOf(current);
  if (newTypes) {
    const lost = (oldTypes ?? ['any']).filter(
      (type) => !newTypes.includes(type) && !(type === 'integer' && newTypes.includes('number')),
    );
    if (lost.length) report(`type narrowed from ${(oldTypes ?? ['any']).join('|')} to ${newTypes.join('|')}`);
  }
  if (
    'const' in current &&
    (!('const' in released) || JSON.stringify(current.const) !== JSON.stringify(released.const))
  ) {
    report(
      `value fixed to ${JSON.stringify(current.const)}${'const' in released ? ` (was ${JSON.stringify(released.const)})` : ''}`,
    );
  }
  if (current.enum) {
    const allowed = released.enum ?? ('const' in released ? [released.const] : undefined);
    const lost = allowed
      ? allowed.filter(
          (value) => !current.enum!.some((candidate) => JSON.stringify(candidate) === JSON.stringify(value)),
        )
      : ['(any value)'];
    if (lost.length) report(`enum no longer allows ${lost.map((value) => JSON.stringify(value)).join(', ')}`);
  }
  for (const keyword of FIXED) {
    if (current[keyword] !== undefined && current[keyword] !== released[keyword]) {
      report(
        `${keyword} ${released[keyword] === undefined ? 'added' : 'changed'}: ${JSON.stringify(current[keyword])}${released[keyword] === undefined ? '' : ` (was ${JSON.stringify(released[keyword])})`}`,
      );
    }
  }
  for (const keyword of LOWER_BOUNDS) tightened(keyword, released, current, (a, b) => b > a, report);
  for (const keyword of UPPER_BOUNDS) tightened(keyword, released, current, (a, b) => b < a, report);

  const oldRequired = new Set(released.required ?? []);
  for (const name of current.required ?? []) {
    if (!oldRequired.has(name))
      report(
        released.properties?.[name] ? 'optional property became required' : 'new required property',
        `${path}.${name}`,
      );
  }
  for (const [name, schema] of Object.entries(released.properties ?? {})) {
    const now = current.properties?.[name];
    if (!now) report('property removed or renamed', `${path}.${name}`);
    else problems.push(...checkCompatibility(schema, now, `${path}.${name}`));
  }
  if (isOpen(released.additionalProperties) && current.additionalProperties === false && !current.patternProperties) {
    report('additionalProperties closed: extra properties are now refused');
  } else if (isSchema(released.additionalProperties) && isSchema(current.additionalProperties)) {
    problems.push(...checkCompatibility(released.additionalProperties, current.additionalProperties, `${path}.*`));
  }
  for (const [pattern, schema] of Object.entries(released.patternProperties ?? {})) {
    const now = current.patternProperties?.[pattern];
    if (now) problems.push(...checkCompatibility(schema, now, `${path}[${pattern}]`));
    else if (current.additionalProperties === false) report(`properties matching ${pattern} are no longer allowed`);
  }
  if (released.items && current.items) problems.push(...checkCompatibility(released.items, current.items, `${path}[]`));
  else if (!released.items && current.items && oldTypes?.includes('array')) report('array items constrained');
  return problems;
}

function tightened(
  keyword: string,
  released: JsonSchema,
  current: JsonSchema,
  stricter: (old: number, now: number) => boolean,
  report: (problem: string) => void,
): void {
  const now = current[keyword];
  if (typeof now !== 'number') return;
  const old = released[keyword];
  if (typeof old !== 'number') report(`${keyword} added: ${now}`);
  else if (stricter(old, now)) report(`${keyword} tightened from ${old} to ${now}`);
}

function branches(schema: JsonSchema): JsonSchema[] {
  const union = schema.anyOf ?? schema.oneOf;
  if (!union) return [schema];
  const { anyOf: _anyOf, oneOf: _oneOf, ...rest } = schema;
  return union.flatMap((branch) => branches({ ...rest, ...branch }));
}

function typesOf(schema: JsonSchema): string[] | undefined {
  if (schema.type === undefined) return undefined;
  return Array.isArray(schema.type) ? schema.type : [schema.type];
}

function isOpen(additional: JsonSchema['additionalProperties']): boolean {
  return additional === undefined || additional === true;
}

function isSchema(additional: JsonSchema['additionalProperties']): additional is JsonSchema {
  return typeof additional === 'object' && additional !== null;
}

function describe(schema: JsonSchema): string {
  if ('const' in schema) return JSON.stringify(schema.const);
  return typesOf(schema)?.join('|') ?? 'a shape';
}

/** What is frozen for each released type: its topic (consumers subscribe by topic) and its data schema. */
export interface ReleasedContract {
  type: string;
  version: number;
  topic: string;
  schema: JsonSchema;
}

export function compareWithRelease(released: ReleasedContract, current: ReleasedContract): Incompatibility[] {
  const problems = checkCompatibility(released.schema, current.schema);
  if (released.topic !== current.topic)
    problems.unshift({ path: 'topic', problem: `moved from ${released.topic} to ${current.topic}` });
  return problems;
}

/** The snapshot of a definition as it is frozen in released/<type>.json. */
export function contractOf(definition: {
  type: string;
  version: number;
  topic: string;
  schema: unknown;
}): ReleasedContract {
  return {
    type: definition.type,
    version: definition.version,
    topic: definition.topic,
    schema: JSON.parse(JSON.stringify(definition.schema)),
  };
}
