import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_DEFINITIONS } from './catalogue';
import { checkCompatibility, compareWithRelease, contractOf, JsonSchema, ReleasedContract } from './compatibility';
import { GoalActivatedV1 } from './strategy/goal-activated.v1';

const releasedFolder = join(__dirname, 'released');
const released: ReleasedContract[] = readdirSync(releasedFolder)
  .filter((file) => file.endsWith('.json'))
  .map((file) => JSON.parse(readFileSync(join(releasedFolder, file), 'utf8')));

const base: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'status'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    status: {
      anyOf: [
        { const: 'open', type: 'string' },
        { const: 'done', type: 'string' },
      ],
    },
    note: { anyOf: [{ type: 'string', maxLength: 200 }, { type: 'null' }] },
    amount: { type: 'integer', minimum: 0 },
    ratio: { type: 'number' },
    tags: { type: 'array', items: { type: 'string', minLength: 1 }, maxItems: 10 },
  },
};

function changed(edit: (schema: JsonSchema) => void): JsonSchema {
  const copy = structuredClone(base);
  edit(copy);
  return copy;
}

describe('schema compatibility check', () => {
  it.each<[string, (schema: JsonSchema) => void, string, RegExp]>([
    ['a removed property', (s) => delete s.properties!.amount, 'data.amount', /removed/],
    [
      'a renamed property',
      (s) => (
        (s.properties!.reference = s.properties!.id),
        delete s.properties!.id,
        (s.required = ['reference', 'status'])
      ),
      'data.id',
      /removed or renamed/,
    ],
    [
      'a new required property',
      (s) => ((s.properties!.owner = { type: 'string' }), s.required!.push('owner')),
      'data.owner',
      /new required/,
    ],
    ['an optional property made required', (s) => s.required!.push('amount'), 'data.amount', /became required/],
    ['a narrowed type', (s) => (s.properties!.amount = { type: 'string' }), 'data.amount', /type narrowed/],
    [
      'number narrowed to integer',
      (s) => (s.properties!.ratio.type = 'integer'),
      'data.ratio',
      /type narrowed from number to integer/,
    ],
    [
      'a removed enum value',
      (s) => (s.properties!.status.anyOf = [{ const: 'open', type: 'string' }]),
      'data.status',
      /no longer accepts "done"|value fixed/,
    ],
    [
      'a null no longer allowed',
      (s) => (s.properties!.note = { type: 'string', maxLength: 200 }),
      'data.note',
      /type narrowed/,
    ],
    [
      'a tightened upper bound',
      (s) => (s.properties!.note.anyOf![0].maxLength = 100),
      'data.note',
      /maxLength tightened from 200 to 100/,
    ],
    ['a new lower bound', (s) => (s.properties!.amount.minimum = 1), 'data.amount', /minimum tightened/],
    ['a new format', (s) => (s.properties!.tags.items!.format = 'email'), 'data.tags[]', /format added/],
    ['a changed pattern', (s) => (s.properties!.tags.items!.pattern = '^[a-z]+$'), 'data.tags[]', /pattern added/],
    ['fewer items allowed', (s) => (s.properties!.tags.maxItems = 5), 'data.tags', /maxItems tightened/],
  ])('catches %s', (_, edit, path, problem) => {
    expect(checkCompatibility(base, changed(edit))).toEqual(
      expect.arrayContaining([{ path, problem: expect.stringMatching(problem) }]),
    );
  });

  it('catches additionalProperties closed where it was open', () => {
    const open = { ...base, additionalProperties: undefined };
    expect(checkCompatibility(open, base)).toEqual([
      { path: 'data', problem: expect.stringMatching(/additionalProperties closed/) },
    ]);
  });

  it.each<[string, (schema: JsonSchema) => void]>([
    ['a new optional property', (s) => (s.properties!.colour = { type: 'string' })],
    ['a new enum value', (s) => s.properties!.status.anyOf!.push({ const: 'cancelled', type: 'string' })],
    [
      'a null now allowed',
      (s) => (s.properties!.amount = { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'null' }] }),
    ],
    ['a looser bound', (s) => (s.properties!.note.anyOf![0].maxLength = 500)],
    ['a dropped format', (s) => delete s.properties!.id.format],
    ['integer widened to number', (s) => (s.properties!.amount.type = 'number')],
    ['a required property made optional', (s) => (s.required = ['id'])],
  ])('accepts %s', (_, edit) => {
    expect(checkCompatibility(base, changed(edit))).toEqual([]);
  });

  it('catches the deliberately incompatible fixture of goal.activated.v1', () => {
    const fixture: ReleasedContract = JSON.parse(
      readFileSync(join(__dirname, 'fixtures', 'goal-activated.v1.incompatible.json'), 'utf8'),
    );
    const releasedGoalActivated = released.find((contract) => contract.type === GoalActivatedV1.type)!;
    const problems = compareWithRelease(releasedGoalActivated, fixture);
    expect([...new Set(problems.map((problem) => problem.path))].sort()).toEqual([
      'data.deliverables[].weight',
      'data.name',
      'data.parentGoalId',
      'data.riskOwnerId',
      'data.title',
      'data.weight',
    ]);
  });

  it('catches an event moved to another topic', () => {
    const contract = contractOf(GoalActivatedV1);
    expect(compareWithRelease(contract, { ...contract, topic: 'throughline.execution.tasks' })).toEqual([
      { path: 'topic', problem: expect.stringMatching(/moved/) },
    ]);
  });
});

describe('released contracts', () => {
  it('every published event type has a released snapshot (run `npx tsx tools/freeze-contracts.ts` when shipping a new type or version)', () => {
    const frozen = new Set(released.map((contract) => contract.type));
    expect(EVENT_DEFINITIONS.map((definition) => definition.type).filter((type) => !frozen.has(type))).toEqual([]);
  });

  it('every released type is still published (retire one only after its deprecation period, by removing its snapshot)', () => {
    const published = new Set(EVENT_DEFINITIONS.map((definition) => definition.type));
    expect(released.map((contract) => contract.type).filter((type) => !published.has(type))).toEqual([]);
  });

  it.each(EVENT_DEFINITIONS.map((definition) => [definition.type, definition] as const))(
    '%s is backward compatible with its release (an incompatible change needs a new version, e.g. .v2, side by side)',
    (type, definition) => {
      const release = released.find((contract) => contract.type === type);
      if (!release) throw new Error(`${type} has no released snapshot`);
      expect(compareWithRelease(release, contractOf(definition))).toEqual([]);
    },
  );
});
