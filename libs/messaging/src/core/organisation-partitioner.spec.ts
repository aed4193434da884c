import { randomUUID } from 'node:crypto';
import { PartitionerArgs, PartitionMetadata, Partitioners } from 'kafkajs';
import { ORGANISATION_HEADER, organisationPartitioner } from './organisation-partitioner';

const metadata = (count: number): PartitionMetadata[] =>
  Array.from({ length: count }, (_, partitionId) => ({
    partitionId,
    leader: 1,
    replicas: [1],
    isr: [1],
    offlineReplicas: [],
    partitionErrorCode: 0,
  }));

const args = (message: PartitionerArgs['message'], partitions = 6): PartitionerArgs => ({
  topic: 'scores',
  partitionMetadata: metadata(partitions),
  message,
});

describe('organisationPartitioner', () => {
  it('places an event by its organisation, where the default partitioner puts that key, whatever its own key', () => {
    const placing = organisationPartitioner();
    const reference = Partitioners.DefaultPartitioner();
    const organisations = [...Array.from({ length: 12_000 }, () => randomUUID()), 'organisation-ä'];
    for (const round of [1, 2])
      for (const partitions of [1, 6, 7])
        for (const organisation of organisations) {
          const headers = { [ORGANISATION_HEADER]: round === 1 ? organisation : Buffer.from(organisation) };
          const placed = placing(args({ key: randomUUID(), value: 'v', headers }, partitions));
          expect({ round, partitions, organisation, placed }).toEqual({
            round,
            partitions,
            organisation,
            placed: reference(args({ key: organisation, value: 'v' }, partitions)),
          });
        }
  });

  it('places a message without an organisation by its key, as the default partitioner does, strings and buffers apart', () => {
    const placing = organisationPartitioner();
    const reference = Partitioners.DefaultPartitioner();
    const keys = [...Array.from({ length: 2_000 }, () => randomUUID()), Buffer.from([0xff, 0xfe, 0x00])];
    for (const key of keys)
      for (const round of [1, 2])
        expect({ key, round, placed: placing(args({ key, value: 'v' })) }).toEqual({
          key,
          round,
          placed: reference(args({ key, value: 'v' })),
        });
  });

  it('keeps a message’s own partition and spreads keyless messages', () => {
    const placing = organisationPartitioner();
    expect(placing(args({ key: 'a', value: 'v', partition: 4, headers: { [ORGANISATION_HEADER]: 'org' } }))).toBe(4);
    const keyless = new Set(Array.from({ length: 12 }, () => placing(args({ value: 'v' }))));
    expect(keyless.size).toBe(6);
  });
});
