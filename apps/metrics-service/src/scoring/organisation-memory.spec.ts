import { ConfigService } from '@nestjs/config';
import { register } from 'prom-client';
import { MessagingRuntime } from '@throughline/messaging';
import { OrganisationMemories, OrganisationMemory } from './organisation-memory';

/** An organisation's memory holding `chains` chains (one entry each) and read from `partition`. */
function memoryOf(orgId: string, chains: number, partition = 0): OrganisationMemory {
  const memory = new OrganisationMemory(orgId);
  for (let index = 0; index < chains; index++) memory.taskChains.set(`chain-${index}`, []);
  memory.source = { topic: 'execution.tasks', partition };
  return memory;
}

function memories(maxEntries: number) {
  let assigned: (assignment: Record<string, number[]>) => void = () => undefined;
  const messaging = {
    onAssignment: (listener: typeof assigned) => (assigned = listener),
  } as unknown as MessagingRuntime;
  const held = new OrganisationMemories(new ConfigService({ METRICS_MEMORY_MAX_ENTRIES: maxEntries }), messaging);
  return { held, rebalance: (assignment: Record<string, number[]>) => assigned(assignment) };
}

describe('OrganisationMemories', () => {
  it('lets the least recently used organisations go beyond the bound, and reports what it holds', async () => {
    const { held } = memories(10);
    held.keep(memoryOf('a', 4));
    held.keep(memoryOf('b', 4));
    // a is used again: b is now the idlest.
    held.keep(held.take('a'));
    held.keep(memoryOf('c', 4));
    expect(held.organisations).toBe(2);
    expect(held.entries).toBe(8);
    expect(held.take('b').entries).toBe(0);
    expect(held.take('a').entries).toBe(4);
    held.keep(memoryOf('d', 11));
    expect(held.take('d').entries).toBe(0);
    const gauge = await register.getSingleMetric('throughline_metrics_memory_entries')!.get();
    expect(gauge.values[0].value).toBe(held.entries);
    held.onModuleDestroy();
  });

  it('holds nothing between batches when the bound is 0', () => {
    const { held } = memories(0);
    held.keep(memoryOf('a', 1));
    expect(held.organisations).toBe(0);
    held.onModuleDestroy();
  });

  it('lets go of the organisations of partitions assigned elsewhere at a rebalance', () => {
    const { held, rebalance } = memories(100);
    held.keep(memoryOf('a', 1, 0));
    held.keep(memoryOf('b', 1, 1));
    held.keep(memoryOf('c', 1, 2));
    rebalance({ 'execution.tasks': [0, 2], 'strategy.goals': [1] });
    expect(held.organisations).toBe(2);
    expect(held.take('b').entries).toBe(0);
    expect(held.take('c').entries).toBe(1);
    held.onModuleDestroy();
  });
});
