/**
 * `sluice dump-log`: Kafka's DumpLogSegments, reading segment files directly (no broker). For a
 * `.log` it prints one line per batch (and, with --print-data-log or --deep-iteration, one per
 * record); for `.index` and `.timeindex` one line per entry. Files are read batch by batch, so a
 * segment of any size is dumped in bounded memory. Corruption (a CRC mismatch, records that do not
 * decode, a torn tail) is reported and makes the exit code 1; garbage never crashes the tool.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadCompression, compressionName } from '../../broker/client/compression';
import { batchCrcValid, recordsOfBatch, type BatchView } from '../../broker/client/record-batch-reader';
import { BATCH_OVERHEAD, LOG_OVERHEAD, Offset, compressionOf, isControlBatch, isLogAppendTime, isTransactional, readBatchHeader } from '../../broker/protocol/record-batch';
import { UsageError, type FlagSpec, type ParsedArgs } from './args';
import { Output, runTool } from './tool-runtime';

const FLAGS: FlagSpec[] = [
  { name: 'files', kind: 'value', valueName: 'a.log,b.index,...', description: 'REQUIRED: comma-separated segment files (.log, .index, .timeindex).' },
  { name: 'print-data-log', kind: 'boolean', description: 'Print the records, with keys and values.' },
  { name: 'deep-iteration', kind: 'boolean', description: 'Print a line per record (without keys and values unless --print-data-log).' },
];

const DEF = { command: 'dump-log', summary: 'Prints the contents of log segment and index files.', flags: FLAGS };

export function run(argv: string[]): Promise<number> {
  return runTool(DEF, argv, main);
}

/** Base offset from a segment file name (20 digits); 0 for other names. */
function baseOffsetOf(file: string): number {
  const m = /^(\d+)\./.exec(path.basename(file));
  return m ? Number(m[1]) : 0;
}

async function main(args: ParsedArgs): Promise<number> {
  const files = args.required('files').split(',').map((f) => f.trim()).filter((f) => f !== '');
  if (files.length === 0) throw new UsageError('--files needs at least one file');
  await loadCompression('all');
  const out = new Output();
  let corrupt = false;
  for (const file of files) {
    out.write(`Dumping ${file}\n`);
    let ok: boolean;
    try {
      if (file.endsWith('.log')) ok = await dumpLog(file, out, { records: args.has('print-data-log') || args.has('deep-iteration'), data: args.has('print-data-log') });
      else if (file.endsWith('.timeindex')) ok = dumpIndex(file, out, 'time');
      else if (file.endsWith('.index')) ok = dumpIndex(file, out, 'offset');
      else {
        out.write(`Ignoring unknown file ${file}\n`);
        ok = true;
      }
    } catch (err) {
      out.write(`Error: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`);
      ok = false;
    }
    corrupt ||= !ok;
    await out.flush();
    if (out.closed) break;
  }
  await out.flush();
  return corrupt ? 1 : 0;
}

function readAt(fd: number, length: number, position: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, buf, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done === length ? buf : buf.subarray(0, done);
}

async function dumpLog(file: string, out: Output, opts: { records: boolean; data: boolean }): Promise<boolean> {
  const fd = fs.openSync(file, 'r');
  let ok = true;
  try {
    const size = fs.fstatSync(fd).size;
    out.write(`Log starting offset: ${baseOffsetOf(file)}\n`);
    let position = 0;
    while (position < size) {
      if (size - position < BATCH_OVERHEAD) break;
      const head = readAt(fd, LOG_OVERHEAD, position);
      const batchSize = head.readInt32BE(Offset.batchLength) + LOG_OVERHEAD;
      if (batchSize < BATCH_OVERHEAD) {
        out.write(`Found record size ${batchSize - LOG_OVERHEAD} smaller than minimum record overhead (${BATCH_OVERHEAD - LOG_OVERHEAD}) at position ${position} in ${path.basename(file)}\n`);
        break;
      }
      if (position + batchSize > size) break;
      const buf = readAt(fd, batchSize, position);
      const magic = buf.readInt8(Offset.magic);
      if (magic !== 2) {
        out.write(`Unsupported message format magic ${magic} at position ${position} in ${path.basename(file)}\n`);
        break;
      }
      ok = printBatch(buf, position, out, opts) && ok;
      position += batchSize;
      if (out.buffered > 1 << 20) await out.flush();
      if (out.closed) return ok;
    }
    if (position < size) {
      out.write(`Found ${size - position} invalid bytes at the end of ${path.basename(file)}\n`);
      ok = false;
    }
  } finally {
    fs.closeSync(fd);
  }
  return ok;
}

/** Prints one batch (and its records); false when it is corrupt. */
function printBatch(buf: Buffer, position: number, out: Output, opts: { records: boolean; data: boolean }): boolean {
  const h = readBatchHeader(buf, 0);
  const view: BatchView = { position: 0, size: buf.length, header: h, compression: compressionOf(h.attributes), isControl: isControlBatch(h.attributes) };
  const valid = batchCrcValid(buf, view);
  const lastOffset = h.baseOffset + h.lastOffsetDelta;
  const lastSequence = h.baseSequence < 0 ? -1 : (h.baseSequence + h.lastOffsetDelta) % 2147483648;
  const deleteHorizon = (h.attributes & 0x40) !== 0 ? `OptionalLong[${h.baseTimestamp}]` : 'OptionalLong.empty';
  const tsType = isLogAppendTime(h.attributes) ? 'LogAppendTime' : 'CreateTime';
  out.write(
    `baseOffset: ${h.baseOffset} lastOffset: ${lastOffset} count: ${h.recordsCount} baseSequence: ${h.baseSequence} lastSequence: ${lastSequence}` +
      ` producerId: ${h.producerId} producerEpoch: ${h.producerEpoch} partitionLeaderEpoch: ${h.partitionLeaderEpoch}` +
      ` isTransactional: ${isTransactional(h.attributes)} isControl: ${view.isControl} deleteHorizonMs: ${deleteHorizon}` +
      ` position: ${position} ${tsType}: ${h.maxTimestamp} size: ${buf.length} magic: ${h.magic}` +
      ` compresscodec: ${compressionName(view.compression)} crc: ${h.crc} isvalid: ${valid}\n`,
  );
  if (!opts.records) return valid;
  try {
    for (const r of recordsOfBatch(buf, view)) {
      const sequence = h.baseSequence < 0 ? -1 : h.baseSequence + (r.offset - h.baseOffset);
      let line = `| offset: ${r.offset} ${r.timestampType}: ${r.timestamp} keySize: ${r.key ? r.key.length : -1} valueSize: ${r.value ? r.value.length : -1}`;
      line += ` sequence: ${sequence} headerKeys: [${r.headers.map(([k]) => k).join(',')}]`;
      if (view.isControl) line += controlText(r.key, r.value);
      else if (opts.data) {
        if (r.key) line += ` key: ${r.key.toString('utf8')}`;
        if (r.value) line += ` payload: ${r.value.toString('utf8')}`;
      }
      out.write(`${line}\n`);
    }
  } catch (err) {
    out.write(`| error: records of the batch at position ${position} do not decode: ${(err as Error).message}\n`);
    return false;
  }
  return valid;
}

/** Transaction markers: key = version:int16, type:int16 (0 ABORT, 1 COMMIT); value = version:int16, coordinatorEpoch:int32. */
function controlText(key: Buffer | null, value: Buffer | null): string {
  if (!key || key.length < 4) return ' controlType: UNKNOWN';
  const type = key.readInt16BE(2);
  if ((type === 0 || type === 1) && value && value.length >= 6) {
    return ` endTxnMarker: ${type === 0 ? 'ABORT' : 'COMMIT'} coordinatorEpoch: ${value.readInt32BE(2)}`;
  }
  return ` controlType: ${type}`;
}

/** Offset index: (relativeOffset:int32, position:int32); time index: (timestamp:int64, relativeOffset:int32). */
function dumpIndex(file: string, out: Output, kind: 'offset' | 'time'): boolean {
  const data = fs.readFileSync(file);
  const base = baseOffsetOf(file);
  const entrySize = kind === 'offset' ? 8 : 12;
  const count = Math.floor(data.length / entrySize);
  let ok = true;
  let previous = -1;
  for (let i = 0; i < count; i++) {
    const at = i * entrySize;
    const rel = kind === 'offset' ? data.readInt32BE(at) : data.readInt32BE(at + 8);
    const second = kind === 'offset' ? data.readInt32BE(at + 4) : Number(data.readBigInt64BE(at));
    // An all-zero entry after the first is unused preallocated space; Kafka stops there too.
    if (i > 0 && rel === 0 && second === 0) break;
    const offset = base + rel;
    if (kind === 'offset') out.write(`offset: ${offset} position: ${second}\n`);
    else out.write(`timestamp: ${second} offset: ${offset}\n`);
    if (rel < 0 || (kind === 'offset' && second < 0) || (i > 0 && offset < previous)) {
      out.write(`Corrupt index entry ${i} in ${path.basename(file)}: offset ${offset} after ${previous}\n`);
      ok = false;
    }
    previous = offset;
  }
  const trailing = data.length - count * entrySize;
  if (trailing > 0) {
    out.write(`Found ${trailing} invalid bytes at the end of ${path.basename(file)}\n`);
    ok = false;
  }
  return ok;
}
