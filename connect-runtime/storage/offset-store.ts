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

/**
 * Keys of partitions that cannot change: frozen objects whose values are all primitives. A source task usually
 * hands the same partition object with every record, so its key is computed once instead of once per record.
 */
const frozenKeys = new WeakMap<SourcePartition, { connector: string; key: string }>();

/** The store key of one source partition of a connector. */
export function offsetKey(connector: string, partition: SourcePartition): string {
  const known = frozenKeys.get(partition);
  if (known !== undefined && known.connector === connector) return known.key;
  const key = JSON.stringify([connector, partition]);
  if (isImmutable(partition)) frozenKeys.set(partition, { connector, key });
  return key;
}

/** A frozen plain object whose own properties are all data properties holding primitives. */
function isImmutable(partition: SourcePartition): boolean {
  if (!Object.isFrozen(partition)) return false;
  const proto: unknown = Object.getPrototypeOf(partition);
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.values(Object.getOwnPropertyDescriptors(partition)).every(
    (d) => 'value' in d && (d.value === null || (typeof d.value !== 'object' && typeof d.value !== 'function')),
  );
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
