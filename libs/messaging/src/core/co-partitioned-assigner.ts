import { AssignerProtocol, Cluster, GroupMemberAssignment, PartitionAssigner } from 'kafkajs';

const NAME = 'CoPartitionedAssigner';
const VERSION = 0;

/**
 * Gives partition p of every topic the group reads to the same member, as Kafka Streams
 * co-partitions a task's inputs. The services place each event by its organisation
 * (`organisationPartitioner`) in topics created with one partition count, so the member that owns
 * an organisation's partition in one topic owns it in all: it is the only one applying that
 * organisation's events. Which member gets which partition number is `placePartitions`, by the
 * events the topics hold in each.
 */
export const coPartitionedAssigner: PartitionAssigner = ({ cluster }) => ({
  name: NAME,
  version: VERSION,
  async assign({ members, topics }): Promise<GroupMemberAssignment[]> {
    const partitionsOf = new Map(
      topics.map((topic) => [topic, cluster.findTopicPartitionMetadata(topic).map(({ partitionId }) => partitionId)]),
    );
    const placed = placePartitions(
      members.map(({ memberId }) => memberId),
      await heldEvents(cluster, partitionsOf),
    );
    return [...placed].map(([memberId, numbers]) => {
      const assignment: Record<string, number[]> = {};
      for (const [topic, partitions] of partitionsOf) {
        const owned = partitions.filter((partition) => numbers.includes(partition));
        if (owned.length > 0) assignment[topic] = owned;
      }
      return {
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: VERSION,
          assignment,
          userData: Buffer.alloc(0),
        }),
      };
    });
  },
  protocol({ topics }) {
    return {
      name: NAME,
      metadata: AssignerProtocol.MemberMetadata.encode({ version: VERSION, topics, userData: Buffer.alloc(0) }),
    };
  },
});

/**
 * The partition numbers each member owns. Heaviest first, each to the member with the least weight
 * so far (then the fewest numbers, then the first by id): a few busy organisations do not end up on
 * one member by the accident of their partition numbers, as numbers dealt round the circle let
 * them. With equal weights (new topics) it deals them round the circle. The same members and weights
 * give the same answer, whatever their order. Pure, for the unit tests.
 */
export function placePartitions(memberIds: string[], weights: Map<number, number>): Map<string, number[]> {
  const members = [...memberIds].sort().map((memberId) => ({ memberId, weight: 0, numbers: [] as number[] }));
  const heaviestFirst = [...weights].sort(([a, weightA], [b, weightB]) => weightB - weightA || a - b);
  for (const [partition, weight] of heaviestFirst) {
    const lightest = members.reduce((best, member) =>
      member.weight < best.weight || (member.weight === best.weight && member.numbers.length < best.numbers.length)
        ? member
        : best,
    );
    lightest.weight += weight;
    lightest.numbers.push(partition);
  }
  return new Map(members.map(({ memberId, numbers }) => [memberId, numbers.sort((a, b) => a - b)]));
}

/**
 * Per partition number, the events the group's topics hold in it (latest − earliest offset,
 * summed over the topics): the recent load of the organisations placed there. Zero for every
 * partition if the broker cannot say, which places them round the circle.
 */
async function heldEvents(cluster: Cluster, partitionsOf: Map<string, number[]>): Promise<Map<number, number>> {
  const weights = new Map<number, number>();
  for (const partitions of partitionsOf.values()) for (const partition of partitions) weights.set(partition, 0);
  const request = (fromBeginning: boolean) =>
    cluster.fetchTopicsOffset(
      [...partitionsOf].map(([topic, partitions]) => ({
        topic,
        partitions: partitions.map((partition) => ({ partition })),
        fromBeginning,
      })),
    );
  try {
    const [earliest, latest] = await Promise.all([request(true), request(false)]);
    const offsetOf = (answer: typeof earliest, topic: string, partition: number) =>
      Number(
        answer.find((entry) => entry.topic === topic)?.partitions.find((entry) => entry.partition === partition)
          ?.offset ?? 0,
      );
    for (const [topic, partitions] of partitionsOf)
      for (const partition of partitions)
        weights.set(
          partition,
          weights.get(partition)! +
            Math.max(0, offsetOf(latest, topic, partition) - offsetOf(earliest, topic, partition)),
        );
  } catch {
    for (const partition of weights.keys()) weights.set(partition, 0);
  }
  return weights;
}
