/**
 * Bytes read from a file that have not become records yet, split into lines.
 *
 * Lines are found on the `\n` byte and decoded only once complete. A `\n` byte never occurs inside a multi-byte
 * UTF-8 sequence, so a character split across two reads is always decoded whole. The buffer grows (doubling) for
 * lines longer than it and is compacted when consumed lines leave room at its front.
 */

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
  /** First byte not yet returned as part of a line. */
  private start = 0;
  /** End of the bytes read so far. */
  private end = 0;
  /** Bytes in [start, scanned) are known to contain no newline. */
  private scanned = 0;

  constructor(initialCapacity: number) {
    this.buf = Buffer.allocUnsafe(Math.max(1, initialCapacity));
  }

  /** Bytes held that are not part of a returned line (a partial line plus any complete lines not taken yet). */
  get pendingBytes(): number {
    return this.end - this.start;
  }

  /** A writable region of at least `size` bytes at the end of the buffer; call commit() with the bytes filled. */
  writable(size: number): Buffer {
    if (this.buf.length - this.end < size) this.makeRoom(size);
    return this.buf.subarray(this.end, this.end + size);
  }

  commit(bytes: number): void {
    this.end += bytes;
  }

  /** The next complete line, or null when the remaining bytes hold none. */
  nextLine(): Line | null {
    const idx = this.buf.subarray(0, this.end).indexOf(NEWLINE, this.scanned);
    if (idx < 0) {
      this.scanned = this.end;
      return null;
    }
    const textEnd = idx > this.start && this.buf[idx - 1] === CARRIAGE_RETURN ? idx - 1 : idx;
    const line: Line = { text: this.buf.toString('utf8', this.start, textEnd), bytes: idx + 1 - this.start };
    this.start = idx + 1;
    this.scanned = this.start;
    if (this.start === this.end) this.clear();
    return line;
  }

  /** Drops everything held. */
  clear(): void {
    this.start = 0;
    this.end = 0;
    this.scanned = 0;
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
    this.end = used;
    this.start = 0;
  }
}
