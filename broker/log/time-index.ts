/**
 * The sparse time index (`<base>.timeindex`): 12-byte entries of (timestamp: int64, relative
 * offset: int32). An entry (T, O) is written when T, the largest timestamp appended so far, grew;
 * O is the base offset of the batch that carried T. So every record appended before the entry was
 * written has a timestamp <= T, which lets a lookup skip everything before O when T < target.
 */
import { SparseIndex } from './sparse-index';

export const TIME_INDEX_ENTRY_SIZE = 12;

export class TimeIndex extends SparseIndex {
  constructor(file: string, initial: Buffer = Buffer.alloc(0)) {
    super(file, TIME_INDEX_ENTRY_SIZE, initial);
  }

  timestampAt(i: number): number {
    return Number(this.entries.readBigInt64BE(i * TIME_INDEX_ENTRY_SIZE));
  }

  relativeOffsetAt(i: number): number {
    return this.entries.readInt32BE(i * TIME_INDEX_ENTRY_SIZE + 8);
  }

  /** Largest timestamp indexed, or -1. */
  get lastTimestamp(): number {
    return this.count === 0 ? -1 : this.timestampAt(this.count - 1);
  }

  /** Appends (timestamp, relativeOffset) when the timestamp grew; entries stay strictly increasing. */
  maybeAppend(timestamp: number, relativeOffset: number): void {
    if (timestamp < 0 || timestamp <= this.lastTimestamp) return;
    const at = this.slotForAppend();
    this.entries.writeBigInt64BE(BigInt(timestamp), at);
    this.entries.writeInt32BE(relativeOffset, at + 8);
    this.appended();
  }

  /** Index of the greatest entry whose timestamp is strictly below `timestamp`, or -1. */
  floorBefore(timestamp: number): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.timestampAt(mid) < timestamp) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** Keeps only entries naming offsets below `relativeOffset`. */
  truncateToOffset(relativeOffset: number): void {
    let keep = this.count;
    while (keep > 0 && this.relativeOffsetAt(keep - 1) >= relativeOffset) keep--;
    this.truncateEntries(keep);
  }

  check(opts: { fileBytes: number; maxRelativeOffset: number }): string | null {
    if (opts.fileBytes % TIME_INDEX_ENTRY_SIZE !== 0) {
      return `time index file size ${opts.fileBytes} is not a multiple of ${TIME_INDEX_ENTRY_SIZE}`;
    }
    let prevTs = -1;
    let prevOffset = 0;
    for (let i = 0; i < this.count; i++) {
      const ts = this.timestampAt(i);
      const rel = this.relativeOffsetAt(i);
      if (ts <= prevTs || rel < prevOffset) return `time index entry ${i} (${ts} -> ${rel}) is not increasing`;
      if (rel > opts.maxRelativeOffset) return `time index entry ${i} names relative offset ${rel} beyond the segment's last offset`;
      prevTs = ts;
      prevOffset = rel;
    }
    return null;
  }
}
