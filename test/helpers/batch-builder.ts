/**
 * Builds RecordBatch v2 bytes for tests, the way a producer would: zig-zag varint records, the
 * 61-byte header and a CRC-32C over attributes..end. Optional gzip compression (node's zlib) and
 * idempotent-producer fields.
 */
import { crc32c } from '@node-rs/crc32';
import { gzipSync } from 'node:zlib';

export interface TestRecord {
  key?: Buffer | string | null;
  value?: Buffer | string | null;
  /** Absolute timestamp; defaults to the batch's base timestamp. */
  timestamp?: number;
  headers?: Array<{ key: string; value: Buffer | string | null }>;
}

export interface BatchOptions {
  baseOffset?: number;
  /** Timestamp of records without one; defaults to Date.now(). */
  baseTimestamp?: number;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  partitionLeaderEpoch?: number;
  compression?: 'none' | 'gzip';
  logAppendTime?: boolean;
}

function zigzagVarint(value: number): Buffer {
  // Arithmetic instead of bitwise ops so that 64-bit timestamp deltas encode exactly.
  let n = value >= 0 ? value * 2 : -value * 2 - 1;
  const bytes: number[] = [];
  while (n >= 0x80) {
    bytes.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  bytes.push(n);
  return Buffer.from(bytes);
}

function bytesOf(v: Buffer | string | null | undefined): Buffer | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? Buffer.from(v) : v;
}

function lengthPrefixed(v: Buffer | null): Buffer[] {
  return v === null ? [zigzagVarint(-1)] : [zigzagVarint(v.length), v];
}

function encodeRecord(r: TestRecord, index: number, baseTimestamp: number): Buffer {
  const headers = r.headers ?? [];
  const body = Buffer.concat([
    Buffer.from([0]),
    zigzagVarint((r.timestamp ?? baseTimestamp) - baseTimestamp),
    zigzagVarint(index),
    ...lengthPrefixed(bytesOf(r.key)),
    ...lengthPrefixed(bytesOf(r.value)),
    zigzagVarint(headers.length),
    ...headers.flatMap((h) => [...lengthPrefixed(Buffer.from(h.key)), ...lengthPrefixed(bytesOf(h.value))]),
  ]);
  return Buffer.concat([zigzagVarint(body.length), body]);
}

/** One RecordBatch v2 holding `records` (at least one). */
export function buildBatch(records: TestRecord[], opts: BatchOptions = {}): Buffer {
  if (records.length === 0) throw new Error('a batch needs at least one record');
  const baseTimestamp = records[0]?.timestamp ?? opts.baseTimestamp ?? Date.now();
  const timestamps = records.map((r) => r.timestamp ?? baseTimestamp);
  const maxTimestamp = Math.max(...timestamps);
  let payload = Buffer.concat(records.map((r, i) => encodeRecord(r, i, baseTimestamp)));
  let attributes = 0;
  if (opts.compression === 'gzip') {
    payload = gzipSync(payload);
    attributes |= 1;
  }
  if (opts.logAppendTime) attributes |= 0x08;
  const header = Buffer.alloc(61);
  header.writeBigInt64BE(BigInt(opts.baseOffset ?? 0), 0);
  header.writeInt32BE(61 - 12 + payload.length, 8);
  header.writeInt32BE(opts.partitionLeaderEpoch ?? 0, 12);
  header.writeInt8(2, 16);
  header.writeInt16BE(attributes, 21);
  header.writeInt32BE(records.length - 1, 23);
  header.writeBigInt64BE(BigInt(baseTimestamp), 27);
  header.writeBigInt64BE(BigInt(maxTimestamp), 35);
  header.writeBigInt64BE(BigInt(opts.producerId ?? -1), 43);
  header.writeInt16BE(opts.producerEpoch ?? -1, 51);
  header.writeInt32BE(opts.baseSequence ?? -1, 53);
  header.writeInt32BE(records.length, 57);
  const batch = Buffer.concat([header, payload]);
  batch.writeUInt32BE(crc32c(batch.subarray(21)), 17);
  return batch;
}

/** `count` records with values of `valueBytes` bytes each (handy for size-driven tests). */
export function sizedRecords(count: number, valueBytes: number, timestamp?: number): TestRecord[] {
  return Array.from({ length: count }, (_, i) => ({ key: `k${i}`, value: Buffer.alloc(valueBytes, 97 + (i % 26)), timestamp }));
}
