/** Shared set-up for the partition-log unit tests: temp dirs, configs and an append shortcut. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { resolveLogConfig, type LogConfig } from '../../../../broker/log/log-config';
import { PartitionLog, type AppendResult } from '../../../../broker/log/partition-log';
import { validateProducedBatch } from '../../../../broker/protocol/record-batch';
import { buildBatch, type BatchOptions, type TestRecord } from '../../../helpers/batch-builder';

export const silentLogger = pino({ level: 'silent' });

const made: string[] = [];

export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-log-'));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

export function config(overrides: Record<string, string> = {}, brokerProps: Record<string, string> = {}): LogConfig {
  return resolveLogConfig({ brokerProps, topicOverrides: overrides });
}

export function openLog(dir: string, overrides: Record<string, string> = {}): Promise<PartitionLog> {
  return PartitionLog.open({ dir, topic: 't', partition: 0, config: config(overrides), logger: silentLogger });
}

/** Builds, validates (as the Produce handler does) and appends one batch. */
export function produce(log: PartitionLog, records: TestRecord[], opts: BatchOptions & { now?: number } = {}): AppendResult {
  const batch = buildBatch(records, opts);
  const header = validateProducedBatch(batch, { maxMessageBytes: log.config.maxMessageBytes });
  return log.append(batch, header, { now: opts.now });
}

export function values(n: number, prefix = 'v', timestamp?: number): TestRecord[] {
  return Array.from({ length: n }, (_, i) => ({ key: null, value: `${prefix}${i}`, timestamp }));
}

/** Walks the batches of a fetch response: [baseOffset, lastOffset] per batch. */
export function batchesIn(buf: Buffer): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let pos = 0;
  while (pos + 12 <= buf.length) {
    const size = buf.readInt32BE(pos + 8) + 12;
    if (pos + size > buf.length) break;
    const base = Number(buf.readBigInt64BE(pos));
    out.push([base, base + buf.readInt32BE(pos + 23)]);
    pos += size;
  }
  return out;
}

/** Reads everything from `offset` to the end, in one big read. */
export function readAll(log: PartitionLog, offset = log.logStartOffset): Buffer {
  return log.read({ offset, maxBytes: 1 << 30, minOneBatch: true });
}

export function segmentFiles(dir: string, suffix: string): string[] {
  return fs.readdirSync(dir).filter((n) => n.endsWith(suffix)).sort();
}
