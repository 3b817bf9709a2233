/**
 * The sparse offset index (`<base>.index`): 8-byte entries of (offset relative to the segment's
 * base offset: int32, byte position of a batch in the .log file: int32). An entry names the BASE
 * offset of the batch that starts at the position, so the batch containing an offset is found by
 * looking up the greatest entry <= the offset and scanning forward a few headers from there.
 */
import { SparseIndex } from './sparse-index';

export const OFFSET_INDEX_ENTRY_SIZE = 8;

export class OffsetIndex extends SparseIndex {
  constructor(file: string, initial: Buffer = Buffer.alloc(0)) {
    super(file, OFFSET_INDEX_ENTRY_SIZE, initial);
  }

  relativeOffsetAt(i: number): number {
    return this.entries.readInt32BE(i * OFFSET_INDEX_ENTRY_SIZE);
  }

  positionAt(i: number): number {
    return this.entries.readInt32BE(i * OFFSET_INDEX_ENTRY_SIZE + 4);
  }

  get lastPosition(): number {
    return this.count === 0 ? -1 : this.positionAt(this.count - 1);
  }

  append(relativeOffset: number, position: number): void {
    const at = this.slotForAppend();
    this.entries.writeInt32BE(relativeOffset, at);
    this.entries.writeInt32BE(position, at + 4);
    this.appended();
  }

  /** Index of the greatest entry whose relative offset is <= `relativeOffset`, or -1. */
  floorEntry(relativeOffset: number): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.relativeOffsetAt(mid) <= relativeOffset) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** File position from which to scan for `relativeOffset` (0 when it precedes every entry). */
  lookupPosition(relativeOffset: number): number {
    const i = this.floorEntry(relativeOffset);
    return i < 0 ? 0 : this.positionAt(i);
  }

  /**
   * Sanity check at open: a whole number of entries, strictly increasing offsets and positions,
   * every position inside the .log file and every offset within the segment. Returns the problem, or null.
   */
  check(opts: { fileBytes: number; logSize: number; maxRelativeOffset: number }): string | null {
    if (opts.fileBytes % OFFSET_INDEX_ENTRY_SIZE !== 0) {
      return `index file size ${opts.fileBytes} is not a multiple of ${OFFSET_INDEX_ENTRY_SIZE}`;
    }
    let prevOffset = -1;
    let prevPosition = -1;
    for (let i = 0; i < this.count; i++) {
      const rel = this.relativeOffsetAt(i);
      const pos = this.positionAt(i);
      if (rel <= prevOffset || pos <= prevPosition) return `index entry ${i} (${rel} @ ${pos}) is not increasing`;
      if (pos >= opts.logSize) return `index entry ${i} points at position ${pos} beyond the ${opts.logSize}-byte log`;
      if (rel > opts.maxRelativeOffset) return `index entry ${i} names relative offset ${rel} beyond the segment's last offset`;
      prevOffset = rel;
      prevPosition = pos;
    }
    return null;
  }
}
