import { AssignerProtocol, GroupMemberAssignment, PartitionAssigner } from 'kafkajs';

const NAME = 'CoPartitionedAssigner';
const VERSION = 0;

/**
 * Gives partition p of every topic the group reads to the same member (the p-th of the sorted
 * members, round the circle), as Kafka Streams co-partitions a task's inputs. The services place
 * each event by its organisation (`organisationPartitioner`) in topics created with one partition
 * count, so the member that owns an organisation's partition in one topic owns it in all: it is
 * the only one applying that organisation's events.
 */
export const coPartitionedAssigner: PartitionAssigner = ({ cluster }) => ({
  name: NAME,
  version: VERSION,
  async assign({ members, topics }): Promise<GroupMemberAssignment[]> {
    const memberIds = members.map(({ memberId }) => memberId).sort();
    const assignments = new Map(memberIds.map((memberId) => [memberId, {} as Record<string, number[]>]));
    for (const topic of topics)
      for (const { partitionId } of cluster.findTopicPartitionMetadata(topic)) {
        const assignment = assignments.get(memberIds[partitionId % memberIds.length])!;
        (assignment[topic] ??= []).push(partitionId);
      }
    return [...assignments].map(([memberId, assignment]) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({
        version: VERSION,
        assignment,
        userData: Buffer.alloc(0),
      }),
    }));
  },
  protocol({ topics }) {
    return {
      name: NAME,
      metadata: AssignerProtocol.MemberMetadata.encode({ version: VERSION, topics, userData: Buffer.alloc(0) }),
    };
  },
});
