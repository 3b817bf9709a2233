/** Helpers for the compaction tests: keyed writes, decoded log contents and the expected result. */
import { readRecords } from '../../../../broker/client/record-batch-reader';
import type { PartitionLog } from '../../../../broker/log/partition-log';
import { batchesIn, produce, readAll, segmentFiles } from './log-test-utils';
import type { BatchOptions } from '../../../helpers/batch-builder';

export const COMPACT = { 'cleanup.policy': 'compact', 'segment.bytes': '2000', 'index.interval.bytes': '200' };

/** One record as read back: [offset, key, value] (value null for a tombstone). */
export type Row = [number, string, string | null];

/** Writes `keys`/`values` pairs in batches of `perBatch`; returns the rows with their offsets. */
export function write(log: PartitionLog, pairs: Array<[string, string | null]>, perBatch = 3, opts: BatchOptions & { now?: number } = {}): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < pairs.length; i += perBatch) {
    const chunk = pairs.slice(i, i + perBatch);
    const result = produce(log, chunk.map(([key, value]) => ({ key, value, timestamp: opts.baseTimestamp })), opts);
    chunk.forEach(([key, value], j) => rows.push([result.baseOffset + j, key, value]));
  }
  return rows;
}

/** `n` writes cycling over `keys` keys: k0=v0, k1=v1, ... */
export function cycling(n: number, keys: number, prefix = 'v'): Array<[string, string | null]> {
  return Array.from({ length: n }, (_, i) => [`k${i % keys}`, `${prefix}${i}`]);
}

/** Every record readable from the log start, in offset order. */
export function contents(log: PartitionLog): Row[] {
  return [...readRecords(readAll(log))].map((r) => [r.offset, r.key?.toString() ?? '<null>', r.value === null ? null : r.value.toString()]);
}

/** What compaction of everything below `uncleanable` should leave: the latest row per key below it, then every row from it on. */
export function expectedAfterCompaction(rows: readonly Row[], uncleanable: number, opts: { dropTombstones?: boolean } = {}): Row[] {
  const latest = new Map<string, number>();
  for (const [offset, key] of rows) if (offset < uncleanable) latest.set(key, offset);
  return rows.filter(([offset, key, value]) => {
    if (offset >= uncleanable) return true;
    if (latest.get(key) !== offset) return false;
    return !(opts.dropTombstones && value === null);
  });
}

/** Base offset of the active (last) segment. */
export function activeBase(log: PartitionLog): number {
  return Number((segmentFiles(log.path, '.log').at(-1) as string).slice(0, 20));
}

/** [baseOffset, lastOffset] of every stored batch. */
export function batchRanges(log: PartitionLog): Array<[number, number]> {
  return batchesIn(readAll(log));
}
