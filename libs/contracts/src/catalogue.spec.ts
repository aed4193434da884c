import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_DEFINITIONS } from './catalogue';
import { ALL_TOPICS } from './topics';
import { createEvent, parseEvent, EventValidationError } from './registry';

const ORG = '7e6d5c4b-3a29-4817-a6f5-e4d3c2b1a098';

describe('event catalogue', () => {
  it('lists every event definition file of the library', () => {
    const declared = ['organisation', 'strategy', 'execution', 'metrics'].flatMap((folder) =>
      readdirSync(join(__dirname, folder))
        .filter((file) => /\.v\d+\.ts$/.test(file))
        .flatMap((file) =>
          [...readFileSync(join(__dirname, folder, file), 'utf8').matchAll(/type: '([^']+)'/g)].map(
            (match) => match[1],
          ),
        ),
    );
    expect(EVENT_DEFINITIONS.map((definition) => definition.type).sort()).toEqual(declared.sort());
  });

  it('has unique, versioned type names on known topics', () => {
    const types = EVENT_DEFINITIONS.map((definition) => definition.type);
    expect(new Set(types).size).toBe(types.length);
    for (const definition of EVENT_DEFINITIONS) {
      expect(definition.type).toMatch(new RegExp(`^throughline\\.[a-z-]+\\.[a-z-]+\\.v${definition.version}$`));
      expect(ALL_TOPICS).toContain(definition.topic);
    }
  });

  it.each(EVENT_DEFINITIONS.map((definition) => [definition.type, definition] as const))(
    '%s: its example round-trips through the envelope',
    (_, definition) => {
      const outgoing = createEvent(definition, definition.example, {
        source: '/test',
        orgId: ORG,
        correlationId: 'c-1',
      });
      expect(outgoing.key.length).toBeGreaterThan(0);
      expect(outgoing.envelope.subject).toBe(definition.subject(definition.example));
      const parsed = parseEvent(JSON.stringify(outgoing.envelope));
      expect(parsed).toEqual(outgoing.envelope);
    },
  );

  it.each([
    ['not JSON', '{', /not JSON/],
    ['no envelope', JSON.stringify({ hello: 'world' }), /invalid CloudEvents envelope/],
    [
      'unknown type',
      JSON.stringify({ ...envelopeOf(EVENT_DEFINITIONS[0]), type: 'throughline.nothing.v1' }),
      /unknown event type/,
    ],
    [
      'data off schema',
      JSON.stringify({ ...envelopeOf(EVENT_DEFINITIONS[0]), data: { unexpected: true } }),
      /invalid .* data/,
    ],
  ])('refuses a message with %s', (_, raw, message) => {
    expect(() => parseEvent(raw)).toThrow(EventValidationError);
    expect(() => parseEvent(raw)).toThrow(message);
  });

  it('refuses to build an event whose data breaks the schema', () => {
    const [definition] = EVENT_DEFINITIONS;
    expect(() =>
      createEvent(definition, { ...definition.example, extra: 1 } as never, {
        source: '/test',
        orgId: ORG,
        correlationId: 'c',
      }),
    ).toThrow(EventValidationError);
  });
});

function envelopeOf(definition: (typeof EVENT_DEFINITIONS)[number]) {
  return createEvent(definition, definition.example, { source: '/test', orgId: ORG, correlationId: 'c-1' }).envelope;
}
