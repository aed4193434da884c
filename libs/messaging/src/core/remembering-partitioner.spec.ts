import { randomUUID } from 'node:crypto';
import { PartitionerArgs, PartitionMetadata, Partitioners } from 'kafkajs';
import { rememberingPartitioner } from './remembering-partitioner';

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

describe('rememberingPartitioner', () => {
  it('chooses the default partitioner’s partition for string and buffer keys, first and again, past its memory', () => {
    const remembering = rememberingPartitioner();
    const reference = Partitioners.DefaultPartitioner();
    const keys = [
      ...Array.from({ length: 12_000 }, () => randomUUID()),
      'organisation-ä',
      Buffer.from([0xff, 0xfe, 0x00]),
    ];
    for (const round of [1, 2])
      for (const partitions of [1, 6, 7])
        for (const key of keys) {
          const message = { key, value: 'v' };
          expect({ round, partitions, key, partition: remembering(args(message, partitions)) }).toEqual({
            round,
            partitions,
            key,
            partition: reference(args(message, partitions)),
          });
        }
  });

  it('keeps a message’s own partition and spreads keyless messages', () => {
    const remembering = rememberingPartitioner();
    expect(remembering(args({ key: 'a', value: 'v', partition: 4 }))).toBe(4);
    const keyless = new Set(Array.from({ length: 12 }, () => remembering(args({ value: 'v' }))));
    expect(keyless.size).toBe(6);
  });
});
