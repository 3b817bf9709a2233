/**
 * Bytes read from a file that have not become records yet, split into lines.
 *
 * Lines are found on the `\n` byte and decoded only once complete. A `\n` byte never occurs inside a multi-byte
 * UTF-8 sequence, so a character split across two reads is always decoded whole. The buffer grows (doubling) for
 * lines longer than it and is compacted when consumed lines leave room at its front.
 *
 * Hot path: when the complete lines held are all ASCII (the common case for logs and JSON lines), they are decoded
 * with one call into one string and each line is a slice of it, so that a line costs a string search and a slice
 * instead of a Buffer view and a UTF-8 decode of its own. Any other byte sends those lines through the
 * line-by-line UTF-8 path.
 */
import { isAscii } from 'node:buffer';

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

export interface Line {
  /** The line without its terminator (`\n`, or `\r\n`). */
  readonly text: string;
  /** Bytes the line occupied in the file, terminator included. */
  readonly bytes: number;
}

export class LineBuffer {
  private buf: Buffer;
  /** `buf` up to `end`: searches must not see stale bytes beyond it. */
  private view: Buffer;
  /** First byte not yet returned as part of a line (or decoded into `block`). */
  private start = 0;
  /** End of the bytes read so far. */
  private end = 0;
  /** Bytes in [start, scanned) are known to contain no newline. */
  private scanned = 0;
  /** Bytes before this offset hold a non-ASCII byte among complete lines: decoded line by line. */
  private mixedUntil = 0;
  /** Complete ASCII lines decoded at once (each ends with `\n`); lines are served from `blockPos` on. */
  private block = '';
  private blockPos = 0;

  constructor(initialCapacity: number) {
    this.buf = Buffer.allocUnsafe(Math.max(1, initialCapacity));
    this.view = this.buf.subarray(0, 0);
  }

  /** Bytes held that are not part of a returned line (a partial line plus any complete lines not taken yet). */
  get pendingBytes(): number {
    // The block is ASCII: one character per byte.
    return this.end - this.start + this.block.length - this.blockPos;
  }

  /** A writable region of at least `size` bytes at the end of the buffer; call commit() with the bytes filled. */
  writable(size: number): Buffer {
    if (this.buf.length - this.end < size) this.makeRoom(size);
    return this.buf.subarray(this.end, this.end + size);
  }

  commit(bytes: number): void {
    if (bytes <= 0) return;
    this.end += bytes;
    this.view = this.buf.subarray(0, this.end);
  }

  /** The next complete line, or null when the remaining bytes hold none. */
  nextLine(): Line | null {
    if (this.blockPos < this.block.length) return this.blockLine();
    const idx = this.view.indexOf(NEWLINE, this.scanned);
    if (idx < 0) {
      this.scanned = this.end;
      return null;
    }
    if (this.start >= this.mixedUntil) {
      const last = this.view.lastIndexOf(NEWLINE);
      if (last > idx) {
        if (isAscii(this.view.subarray(this.start, last + 1))) {
          this.block = this.view.toString('latin1', this.start, last + 1);
          this.blockPos = 0;
          this.consumeTo(last + 1);
          return this.blockLine();
        }
        this.mixedUntil = last + 1;
      }
    }
    const textEnd = idx > this.start && this.buf[idx - 1] === CARRIAGE_RETURN ? idx - 1 : idx;
    const line: Line = { text: this.buf.toString('utf8', this.start, textEnd), bytes: idx + 1 - this.start };
    this.consumeTo(idx + 1);
    return line;
  }

  /** Drops everything held. */
  clear(): void {
    this.block = '';
    this.blockPos = 0;
    this.reset();
  }

  private blockLine(): Line {
    const block = this.block;
    const pos = this.blockPos;
    const idx = block.indexOf('\n', pos);
    const textEnd = idx > pos && block.charCodeAt(idx - 1) === CARRIAGE_RETURN ? idx - 1 : idx;
    if (idx + 1 >= block.length) {
      this.block = '';
      this.blockPos = 0;
    } else {
      this.blockPos = idx + 1;
    }
    return { text: block.slice(pos, textEnd), bytes: idx + 1 - pos };
  }

  private consumeTo(offset: number): void {
    this.start = offset;
    this.scanned = offset;
    if (this.start === this.end) this.reset();
  }

  private reset(): void {
    this.start = 0;
    this.end = 0;
    this.scanned = 0;
    this.mixedUntil = 0;
    this.view = this.buf.subarray(0, 0);
  }

  private makeRoom(size: number): void {
    const used = this.end - this.start;
    if (this.buf.length - used >= size && this.start > 0) {
      this.buf.copyWithin(0, this.start, this.end);
    } else {
      let capacity = this.buf.length * 2;
      while (capacity - used < size) capacity *= 2;
      const bigger = Buffer.allocUnsafe(capacity);
      this.buf.copy(bigger, 0, this.start, this.end);
      this.buf = bigger;
    }
    this.scanned -= this.start;
    this.mixedUntil = Math.max(0, this.mixedUntil - this.start);
    this.end = used;
    this.start = 0;
    this.view = this.buf.subarray(0, this.end);
  }
}
