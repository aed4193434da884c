import { EventDefinition, parseEvent, Topics } from '@throughline/contracts';
import { CollectedEvent, EventCollector, startTestService, TestService, uniqueTag } from '@throughline/testing';
import { AppModule } from '../src/app.module';
import { strategyDatabase } from '../src/database/strategy-database';

/** A strategy service of its own with a collector on its topics (organisation, goals, and the check-ins of pushed measurements). */
export async function startStrategy(): Promise<{
  service: TestService;
  collector: EventCollector;
  stop(): Promise<void>;
}> {
  const tag = uniqueTag();
  const service = await startTestService(AppModule, { tag, database: strategyDatabase });
  const collector = await EventCollector.start([
    `t${tag}.${Topics.Organisation}`,
    `t${tag}.${Topics.Goals}`,
    `t${tag}.${Topics.Tasks}`,
  ]);
  return {
    service,
    collector,
    stop: async () => {
      await collector.stop();
      await service.stop();
    },
  };
}

/**
 * Waits for the event of `definition` about `subject` (and matching `where`, e.g. a version),
 * checks its key, that it parses against its schema, and that it is the only such event.
 */
export async function expectOneEvent(
  collector: EventCollector,
  definition: EventDefinition,
  expected: { subject: string; key: string; where?: (data: any) => boolean },
) {
  const matches = (entry: CollectedEvent) =>
    entry.event.subject === expected.subject && (expected.where ? expected.where(entry.event.data) : true);
  const [message] = await collector.waitForType(definition.type, 1, matches);
  const event = parseEvent(message.raw);
  expect(event.type).toBe(definition.type);
  expect(message.key).toBe(expected.key);
  expect(collector.ofType(definition.type).filter(matches)).toHaveLength(1);
  return event;
}
