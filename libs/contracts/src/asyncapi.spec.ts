import { Parser } from '@asyncapi/parser';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildAsyncApiDocument, renderAsyncApiJson } from './asyncapi';
import { EVENT_DEFINITIONS } from './catalogue';
import { ALL_TOPICS } from './topics';

const ERROR = 0;

async function diagnosticsOf(document: unknown) {
  return new Parser().validate(JSON.stringify(document));
}

describe('AsyncAPI document', () => {
  it('is valid AsyncAPI 3 according to the official parser', async () => {
    const diagnostics = await diagnosticsOf(buildAsyncApiDocument());
    expect(
      diagnostics
        .filter((diagnostic) => diagnostic.severity === ERROR)
        .map((diagnostic) => `${diagnostic.path.join('.')}: ${diagnostic.message}`),
    ).toEqual([]);
  });

  it('has one channel per topic and one message per event type and version', async () => {
    const { document, diagnostics } = await new Parser().parse(renderAsyncApiJson());
    expect(diagnostics.filter((diagnostic) => diagnostic.severity === ERROR)).toEqual([]);
    expect(
      document!
        .channels()
        .all()
        .map((channel) => channel.address())
        .sort(),
    ).toEqual([...ALL_TOPICS].sort());
    for (const definition of EVENT_DEFINITIONS) {
      const channel = document!
        .channels()
        .all()
        .find((candidate) => candidate.address() === definition.topic)!;
      expect({
        type: definition.type,
        on: channel
          .messages()
          .all()
          .map((message) => message.name()),
      }).toEqual({ type: definition.type, on: expect.arrayContaining([definition.type]) });
    }
    expect(
      document!
        .allMessages()
        .all()
        .map((message) => message.name())
        .sort(),
    ).toEqual(EVENT_DEFINITIONS.map((definition) => definition.type).sort());
  });

  it('fails a catalogue whose new type is missing from the document', () => {
    const withoutOne = buildAsyncApiDocument({ definitions: EVENT_DEFINITIONS.slice(1) }) as {
      components: { messages: Record<string, unknown> };
    };
    const missing = EVENT_DEFINITIONS.map((definition) => definition.type).filter(
      (type) => !(type in withoutOne.components.messages),
    );
    expect(missing).toEqual([EVENT_DEFINITIONS[0].type]);
  });

  it.each(EVENT_DEFINITIONS.map((definition) => [definition.type, definition] as const))(
    '%s: payload is the envelope with its data schema, a described key and a valid example',
    (type, definition) => {
      const message = (buildAsyncApiDocument() as { components: { messages: Record<string, any> } }).components
        .messages[type];
      expect(message.payload.properties.type.const).toBe(type);
      expect(message.payload.properties.data.properties).toEqual(
        JSON.parse(JSON.stringify(definition.schema)).properties,
      );
      expect(message.payload.required).toEqual(expect.arrayContaining(['id', 'type', 'subject', 'orgid', 'data']));
      expect(message.bindings.kafka.key.description).toMatch(/^Message key: (data\.\w+|the organisation id)/);
      expect(message.description).toContain('every event of an organisation is in one partition');
      expect(message.headers).toEqual({ $ref: '#/components/schemas/CloudEventHeaders' });
      expect(message.examples[0].payload.data).toEqual(definition.example);
    },
  );

  it('is committed as docs/asyncapi.json exactly as generated (run `npx tsx tools/asyncapi.ts` after changing a contract)', () => {
    const committed = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'asyncapi.json'), 'utf8');
    expect(committed).toBe(renderAsyncApiJson());
  });
});
