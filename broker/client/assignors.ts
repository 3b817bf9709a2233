/**
 * Client-side partition assignors of the classic consumer protocol. The group leader runs the one
 * the coordinator selected over every member's subscription. `range` and `roundrobin` follow
 * Kafka's RangeAssignor and RoundRobinAssignor (the names librdkafka and the Java client use), so a
 * Sluice consumer can share a group with kcat or a Java consumer and compute the same assignment.
 */
import type { TopicPartitions } from '../protocol/consumer-protocol';

export interface MemberSubscription {
  memberId: string;
  groupInstanceId: string | null;
  topics: readonly string[];
}

/** memberId → the partitions it gets (members without any get an empty list). */
export type GroupAssignment = Map<string, TopicPartitions[]>;

export interface PartitionAssignor {
  /** The protocol name offered in JoinGroup. */
  readonly name: string;
  assign(members: readonly MemberSubscription[], partitionsPerTopic: ReadonlyMap<string, number>): GroupAssignment;
}

/** Kafka's member order: static members by instance id first, then by member id. */
function compareMembers(a: MemberSubscription, b: MemberSubscription): number {
  if (a.groupInstanceId !== null && b.groupInstanceId !== null) {
    const c = compareStrings(a.groupInstanceId, b.groupInstanceId);
    if (c !== 0) return c;
  } else if (a.groupInstanceId !== null) {
    return -1;
  } else if (b.groupInstanceId !== null) {
    return 1;
  }
  return compareStrings(a.memberId, b.memberId);
}

/** Java's String.compareTo for the identifiers involved (code-unit order). */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function emptyAssignment(members: readonly MemberSubscription[]): Map<string, Map<string, number[]>> {
  return new Map(members.map((m) => [m.memberId, new Map<string, number[]>()]));
}

function add(out: Map<string, Map<string, number[]>>, memberId: string, topic: string, partition: number): void {
  const topics = out.get(memberId) as Map<string, number[]>;
  const list = topics.get(topic);
  if (list) list.push(partition);
  else topics.set(topic, [partition]);
}

function finish(out: Map<string, Map<string, number[]>>): GroupAssignment {
  const result: GroupAssignment = new Map();
  for (const [memberId, topics] of out) {
    result.set(
      memberId,
      [...topics].sort(([a], [b]) => compareStrings(a, b)).map(([topic, partitions]) => ({ topic, partitions: partitions.sort((x, y) => x - y) })),
    );
  }
  return result;
}

/**
 * Per topic, the subscribed members in order each take a contiguous range; the first
 * `partitions % members` take one extra.
 */
export const rangeAssignor: PartitionAssignor = {
  name: 'range',
  assign(members, partitionsPerTopic) {
    const out = emptyAssignment(members);
    const topics = [...new Set(members.flatMap((m) => m.topics))].sort(compareStrings);
    for (const topic of topics) {
      const count = partitionsPerTopic.get(topic);
      if (count === undefined || count <= 0) continue;
      const subscribers = members.filter((m) => m.topics.includes(topic)).sort(compareMembers);
      const per = Math.floor(count / subscribers.length);
      const extra = count % subscribers.length;
      subscribers.forEach((m, i) => {
        const start = per * i + Math.min(i, extra);
        const length = per + (i < extra ? 1 : 0);
        for (let p = start; p < start + length; p++) add(out, m.memberId, topic, p);
      });
    }
    return finish(out);
  },
};

/**
 * Every partition of every subscribed topic (topics in name order, partitions ascending) goes to
 * the next member in a circle that subscribes to its topic.
 */
export const roundRobinAssignor: PartitionAssignor = {
  name: 'roundrobin',
  assign(members, partitionsPerTopic) {
    const out = emptyAssignment(members);
    const ordered = [...members].sort(compareMembers);
    if (ordered.length === 0) return finish(out);
    const topics = [...new Set(members.flatMap((m) => m.topics))].filter((t) => (partitionsPerTopic.get(t) ?? 0) > 0).sort(compareStrings);
    let next = 0;
    for (const topic of topics) {
      const count = partitionsPerTopic.get(topic) as number;
      for (let p = 0; p < count; p++) {
        // Some member subscribes to the topic (it came from a subscription), so this ends.
        while (!(ordered[next % ordered.length] as MemberSubscription).topics.includes(topic)) next++;
        add(out, (ordered[next % ordered.length] as MemberSubscription).memberId, topic, p);
        next++;
      }
    }
    return finish(out);
  },
};

export const BUILT_IN_ASSIGNORS: ReadonlyMap<string, PartitionAssignor> = new Map([
  [rangeAssignor.name, rangeAssignor],
  [roundRobinAssignor.name, roundRobinAssignor],
]);

/** Resolves assignor names (as in partition.assignment.strategy) to assignors. */
export function assignorsByName(names: readonly string[]): PartitionAssignor[] {
  return names.map((n) => {
    const a = BUILT_IN_ASSIGNORS.get(n.trim());
    if (!a) throw new Error(`unknown partition assignor "${n}": use ${[...BUILT_IN_ASSIGNORS.keys()].join(' or ')}`);
    return a;
  });
}
