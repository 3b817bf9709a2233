/** Topic partitions and maps keyed by them (JavaScript Maps compare object keys by identity, so a keyed map is needed). */

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

export function topicPartition(topic: string, partition: number): TopicPartition {
  return Object.freeze({ topic, partition });
}

/** `topic-partition`, as Kafka prints a TopicPartition. */
export function topicPartitionString(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}

/** An offset to commit for a partition (Kafka's OffsetAndMetadata). */
export interface OffsetAndMetadata {
  readonly offset: number;
  readonly metadata?: string;
  readonly leaderEpoch?: number;
}

/** A map keyed by topic partition value, iterating in insertion order. */
export class TopicPartitionMap<V> implements Iterable<[TopicPartition, V]> {
  private readonly entriesByKey = new Map<string, [TopicPartition, V]>();

  constructor(entries?: Iterable<readonly [TopicPartition, V]>) {
    if (entries) for (const [tp, v] of entries) this.set(tp, v);
  }

  get size(): number {
    return this.entriesByKey.size;
  }

  get(tp: TopicPartition): V | undefined {
    return this.entriesByKey.get(keyOf(tp))?.[1];
  }

  has(tp: TopicPartition): boolean {
    return this.entriesByKey.has(keyOf(tp));
  }

  set(tp: TopicPartition, value: V): this {
    const key = keyOf(tp);
    const existing = this.entriesByKey.get(key);
    this.entriesByKey.set(key, [existing ? existing[0] : topicPartition(tp.topic, tp.partition), value]);
    return this;
  }

  delete(tp: TopicPartition): boolean {
    return this.entriesByKey.delete(keyOf(tp));
  }

  clear(): void {
    this.entriesByKey.clear();
  }

  keys(): TopicPartition[] {
    return [...this.entriesByKey.values()].map(([tp]) => tp);
  }

  values(): V[] {
    return [...this.entriesByKey.values()].map(([, v]) => v);
  }

  [Symbol.iterator](): Iterator<[TopicPartition, V]> {
    return this.entriesByKey.values();
  }
}

function keyOf(tp: TopicPartition): string {
  return `${tp.partition}:${tp.topic}`;
}
