/** The OffsetStorageReader that connectors and source tasks get: lookups by key in the worker's offset store. */
import type { OffsetStorageReader } from '../api';
import { offsetKey, type OffsetStore, type SourcePartition } from '../storage/offset-store';

export function offsetStorageReader(store: OffsetStore, connector: string): OffsetStorageReader {
  return {
    offset: async (partition) => {
      const p = partition as SourcePartition;
      return (await store.get(connector, [p])).get(offsetKey(connector, p)) ?? null;
    },
    offsets: async (partitions) => {
      const list = [...partitions];
      const found = await store.get(connector, list as SourcePartition[]);
      return new Map(list.map((p) => [p, found.get(offsetKey(connector, p as SourcePartition)) ?? null]));
    },
  } as OffsetStorageReader;
}
