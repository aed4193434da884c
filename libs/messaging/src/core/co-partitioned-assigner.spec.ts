import { AssignerProtocol, Cluster } from 'kafkajs';
import { coPartitionedAssigner, placePartitions } from './co-partitioned-assigner';

/** The events each topic holds per partition (none by default); `unreachable`: the broker does not answer offsets. */
type Held = Record<string, number[]> | 'unreachable';

const cluster = (partitions: Record<string, number>, held: Held = {}) =>
  ({
    findTopicPartitionMetadata: (topic: string) =>
      Array.from({ length: partitions[topic] }, (_, partitionId) => ({ partitionId })),
    // Earliest offsets at 100, latest 100 + what the partition holds.
    fetchTopicsOffset: async (
      topics: Array<{ topic: string; partitions: Array<{ partition: number }>; fromBeginning: boolean }>,
    ) => {
      if (held === 'unreachable') throw new Error('The broker is away');
      return topics.map(({ topic, partitions, fromBeginning }) => ({
        topic,
        partitions: partitions.map(({ partition }) => ({
          partition,
          offset: String(100 + (fromBeginning ? 0 : (held[topic]?.[partition] ?? 0))),
        })),
      }));
    },
  }) as unknown as Cluster;

async function assign(members: string[], partitions: Record<string, number>, held?: Held) {
  const assigner = coPartitionedAssigner({
    cluster: cluster(partitions, held),
    groupId: 'g',
    logger: undefined as never,
  });
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

  it('places the partitions holding the most events apart, summed over the topics', async () => {
    const topics = { goals: 6, tasks: 6 };
    // Partitions 0 and 2 hold the busy organisations: round the circle would give both to one member.
    const assigned = await assign(['a', 'b'], topics, { goals: [5, 1, 4, 1, 0, 0], tasks: [45, 9, 36, 9, 0, 0] });
    expect(assigned.a).toEqual({ goals: [0, 3], tasks: [0, 3] });
    expect(assigned.b).toEqual({ goals: [1, 2, 4, 5], tasks: [1, 2, 4, 5] });
  });

  it('deals the partitions round the circle when the broker cannot say what they hold', async () => {
    const assigned = await assign(['a', 'b'], { goals: 4, tasks: 4 }, 'unreachable');
    expect(assigned.a).toEqual({ goals: [0, 2], tasks: [0, 2] });
    expect(assigned.b).toEqual({ goals: [1, 3], tasks: [1, 3] });
  });

  it('balances the weight as far as whole partitions allow, whatever the order of members and weights', () => {
    const weights = new Map([
      [0, 7],
      [1, 3],
      [2, 5],
      [3, 5],
      [4, 2],
      [5, 8],
    ]);
    const placed = placePartitions(['b', 'a', 'c'], weights);
    expect(placePartitions(['c', 'a', 'b'], new Map([...weights].reverse()))).toEqual(placed);
    const loads = [...placed.values()].map((numbers) =>
      numbers.reduce((sum, partition) => sum + weights.get(partition)!, 0),
    );
    // 30 over three members: 10 each is reachable (8+2, 7+3, 5+5).
    expect(loads).toEqual([10, 10, 10]);
  });

  it('answers the same for the same members in any order, and leaves a member beyond the partitions empty', async () => {
    expect(await assign(['b', 'a', 'c'], { goals: 2, tasks: 2 })).toEqual(
      await assign(['c', 'b', 'a'], { goals: 2, tasks: 2 }),
    );
    expect((await assign(['a', 'b', 'c'], { goals: 2, tasks: 2 })).c).toEqual({});
  });
});
