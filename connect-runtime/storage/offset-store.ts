/**
 * Source offsets as Kafka Connect keeps them: the key is the JSON of `[connector, sourcePartition]`
 * and the value the JSON of the source offset (null deletes), exactly the bytes Kafka Connect writes
 * to its offsets topic, so that the same key identifies a partition in every store.
 */
export type SourcePartition = Record<string, unknown>;
export type SourceOffset = Record<string, unknown>;

export interface OffsetStore {
  /** The stored offset of each partition of a connector (absent: none stored). */
  get(connector: string, partitions: readonly SourcePartition[]): Promise<Map<string, SourceOffset>>;
  /** Every stored partition and offset of a connector. */
  list(connector: string): Promise<{ partition: SourcePartition; offset: SourceOffset }[]>;
  /** Writes offsets (null deletes) and resolves once they are durable. */
  set(connector: string, offsets: readonly { partition: SourcePartition; offset: SourceOffset | null }[]): Promise<void>;
  close(): Promise<void>;
}

/** The store key of one source partition of a connector. */
export function offsetKey(connector: string, partition: SourcePartition): string {
  return JSON.stringify([connector, partition]);
}

/** The connector and partition of a store key, or null for a key of another shape. */
export function parseOffsetKey(key: string): { connector: string; partition: SourcePartition } | null {
  try {
    const parsed: unknown = JSON.parse(key);
    if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[0] !== 'string' || typeof parsed[1] !== 'object' || parsed[1] === null) return null;
    return { connector: parsed[0], partition: parsed[1] as SourcePartition };
  } catch {
    return null;
  }
}
