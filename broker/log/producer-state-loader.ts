/**
 * Persistence of idempotent-producer state: a snapshot file written at each roll and at close, and
 * the rebuild at open from that snapshot plus the batch headers appended after it (all of them
 * when the snapshot is missing, unreadable or newer than the recovered log end).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Offset } from '../protocol/record-batch';
import { PRODUCER_STATE_SNAPSHOT, writeFileAtomicSync } from './log-files';
import { forEachBatch } from './log-reader';
import type { ProducerState } from './producer-state';
import type { Segment } from './segment';

export interface ProducerStateLoadOptions {
  dir: string;
  segments: readonly Segment[];
  logStartOffset: number;
  logEndOffset: number;
  state: ProducerState;
}

export function loadProducerState(opts: ProducerStateLoadOptions): void {
  const { state } = opts;
  let from = opts.segments[0]?.baseOffset ?? 0;
  let text: string | null = null;
  try {
    text = fs.readFileSync(path.join(opts.dir, PRODUCER_STATE_SNAPSHOT), 'utf8');
  } catch {
    // No snapshot yet: rebuild from the whole log.
  }
  const snapshotOffset = text === null ? null : state.loadSnapshot(text);
  if (snapshotOffset !== null && snapshotOffset <= opts.logEndOffset) from = snapshotOffset;
  else state.clear();
  forEachBatch(opts.segments, from, (scan) => {
    const producerId = Number(scan.buf.readBigInt64BE(scan.at + Offset.producerId));
    if (producerId < 0 || scan.baseOffset < from) return;
    state.update({
      producerId,
      epoch: scan.buf.readInt16BE(scan.at + Offset.producerEpoch),
      baseSequence: scan.buf.readInt32BE(scan.at + Offset.baseSequence),
      lastOffsetDelta: scan.lastOffset - scan.baseOffset,
      baseOffset: scan.baseOffset,
      timestamp: scan.maxTimestamp,
    });
  });
  state.removeBefore(opts.logStartOffset);
}

/** Not fsynced: a lost snapshot only lengthens the header walk at the next open. */
export function writeProducerSnapshot(dir: string, state: ProducerState, logEndOffset: number): void {
  writeFileAtomicSync(path.join(dir, PRODUCER_STATE_SNAPSHOT), state.toSnapshot(logEndOffset), { durable: false });
}
