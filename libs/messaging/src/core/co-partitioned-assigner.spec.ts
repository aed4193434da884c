import { AssignerProtocol, Cluster } from 'kafkajs';
import { coPartitionedAssigner } from './co-partitioned-assigner';

const cluster = (partitions: Record<string, number>) =>
  ({
    findTopicPartitionMetadata: (topic: string) =>
      Array.from({ length: partitions[topic] }, (_, partitionId) => ({ partitionId })),
  }) as unknown as Cluster;

async function assign(members: string[], partitions: Record<string, number>) {
  const assigner = coPartitionedAssigner({ cluster: cluster(partitions), groupId: 'g', logger: undefined as never });
  const assignments = await assigner.assign({
    members: members.map((memberId) => ({ memberId, memberMetadata: Buffer.alloc(0) })),
    topics: Object.keys(partitions),
  });
  return Object.fromEntries(
    assignments.map(({ memberId, memberAssignment }) => [
      memberId,
      AssignerProtocol.MemberAssignment.decode(memberAssignment)!.assignment,
    ]),
  );
}

describe('coPartitionedAssigner', () => {
  it('gives partition p of every topic to the same member, spreading the partition numbers', async () => {
    const topics = { organisation: 6, goals: 6, tasks: 6 };
    for (const members of [['a'], ['b', 'a'], ['a', 'b', 'c'], ['a', 'b', 'c', 'd']]) {
      const assigned = await assign(members, topics);
      const numbers = Object.values(assigned).map((assignment) => {
        const [first, ...others] = Object.keys(topics).map((topic) => assignment[topic] ?? []);
        for (const other of others) expect(other).toEqual(first);
        return first;
      });
      expect(numbers.flat().sort()).toEqual([0, 1, 2, 3, 4, 5]);
      // As even as six numbers over the members allow.
      const sizes = numbers.map((held) => held.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  it('answers the same for the same members in any order, and leaves a member beyond the partitions empty', async () => {
    expect(await assign(['b', 'a', 'c'], { goals: 2, tasks: 2 })).toEqual(
      await assign(['c', 'b', 'a'], { goals: 2, tasks: 2 }),
    );
    expect((await assign(['a', 'b', 'c'], { goals: 2, tasks: 2 })).c).toEqual({});
  });
});
