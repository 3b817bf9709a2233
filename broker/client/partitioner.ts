/**
 * Choosing a partition the way the Java producer does, so that a key lands on the same partition
 * whether Sluice, kafkajs' Java-compatible partitioner or a Java client wrote it: murmur2 of the key
 * bytes (Kafka's `Utils.murmur2`, seed 0x9747b28c), made positive, modulo the partition count.
 * Records without a key stick to one partition until their batch is sent (KIP-480), which fills
 * batches better than strict round-robin.
 */

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** Kafka's murmur2 as a signed 32-bit integer (the same value Java's `Utils.murmur2` returns). */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = (data[i] as number) | ((data[i + 1] as number) << 8) | ((data[i + 2] as number) << 16) | ((data[i + 3] as number) << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  // The Java code falls through its switch from 3 to 1; written out as ifs.
  const tail = length & 3;
  if (tail === 3) h ^= (data[whole + 2] as number) << 16;
  if (tail >= 2) h ^= (data[whole + 1] as number) << 8;
  if (tail >= 1) {
    h ^= data[whole] as number;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Java's `Utils.toPositive`: clears the sign bit (not Math.abs, which differs for negative values). */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}

/** The partition of a keyed record: `toPositive(murmur2(key)) % numPartitions`. */
export function partitionForKey(key: Uint8Array, numPartitions: number): number {
  if (numPartitions <= 0) throw new RangeError(`partition count must be positive, got ${numPartitions}`);
  return toPositive(murmur2(key)) % numPartitions;
}

/**
 * The partition for records without a key: one partition per topic until `nextBatch` is called
 * (when that partition's batch was sealed), then a different one chosen at random.
 */
export class StickyPartitioner {
  private readonly current = new Map<string, number>();

  partition(topic: string, numPartitions: number): number {
    const p = this.current.get(topic);
    if (p !== undefined && p < numPartitions) return p;
    const chosen = Math.floor(Math.random() * numPartitions);
    this.current.set(topic, chosen);
    return chosen;
  }

  /** The batch for `topic` was sealed on `previous`: move on to another partition. */
  nextBatch(topic: string, previous: number, numPartitions: number): void {
    if (this.current.get(topic) !== previous) return;
    if (numPartitions <= 1) return;
    // A random different partition: draw from n-1 slots and skip over the previous one.
    let next = Math.floor(Math.random() * (numPartitions - 1));
    if (next >= previous) next++;
    this.current.set(topic, next);
  }
}
