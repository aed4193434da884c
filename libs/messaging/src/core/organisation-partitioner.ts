import { ICustomPartitioner, IHeaders, PartitionerArgs, Partitioners } from 'kafkajs';

/**
 * The header a message names its organisation in (CloudEvents' Kafka binding puts an event's
 * attributes in `ce_` headers; `orgid` is our extension attribute). Every event the services
 * publish carries it.
 */
export const ORGANISATION_HEADER = 'ce_orgid';

/** Placements remembered before the memory is emptied and starts over. */
const REMEMBERED = 10_000;

/**
 * Places every event of an organisation in the same partition of its topic: the partition Kafka's
 * default partitioner (murmur2, as the Java clients) would give the key `orgid`, while the message
 * keeps its own key (a goal id, a scope id). So per-key order holds as before, and a consumer that
 * owns partition p of each topic owns whole organisations (`coPartitionedAssigner`). Messages
 * without the header are placed by their key; a message's own partition is kept.
 *
 * The placement is remembered per organisation and partition count: kafkajs's murmur2 computes
 * with 64-bit Long objects, about 8 µs a message.
 */
export const organisationPartitioner: ICustomPartitioner = () => {
  const byDefault = Partitioners.DefaultPartitioner();
  const remembered = new Map<string, number>();
  return (args: PartitionerArgs) => {
    const { partition } = args.message;
    if (partition !== undefined && partition !== null) return byDefault(args);
    const organisation = headerText(args.message.headers, ORGANISATION_HEADER);
    const key = organisation ?? args.message.key;
    if (key === undefined || key === null) return byDefault(args);
    // Strings and buffers apart: a buffer that is not valid UTF-8 must not share a string's entry.
    const id = `${args.partitionMetadata.length}:${typeof key === 'string' ? `s${key}` : `b${key.toString('hex')}`}`;
    let chosen = remembered.get(id);
    if (chosen === undefined) {
      chosen = byDefault({ ...args, message: { ...args.message, key } });
      if (remembered.size >= REMEMBERED) remembered.clear();
      remembered.set(id, chosen);
    }
    return chosen;
  };
};

function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}
