/**
 * Splits a byte stream into Kafka's size-prefixed frames (int32 size, then that many bytes). Sans-IO:
 * the broker's connections and the client's both feed it socket chunks. A frame that lies wholly
 * inside one chunk is handed on as a view, without a copy; only frames split across chunks are
 * assembled into a buffer of their own.
 */
export interface FrameSplitterOptions {
  /** Smallest acceptable frame size (a request header needs 8 bytes, a response header 4). */
  minFrameBytes: number;
  maxFrameBytes: number;
  onFrame(frame: Buffer): void;
  /** A size outside the limits: the stream cannot be trusted any further and splitting stops. */
  onInvalidSize(size: number): void;
}

export class FrameSplitter {
  private readonly sizeBytes = Buffer.alloc(4);
  private sizeFilled = 0;
  private frame: Buffer | null = null;
  private frameFilled = 0;
  private stopped = false;

  constructor(private readonly opts: FrameSplitterOptions) {}

  /** Stops handing out frames (the connection is closing). */
  stop(): void {
    this.stopped = true;
  }

  push(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length && !this.stopped) {
      if (this.frame === null) {
        const take = Math.min(4 - this.sizeFilled, chunk.length - pos);
        let size: number;
        if (this.sizeFilled === 0 && take === 4) {
          size = chunk.readInt32BE(pos);
        } else {
          chunk.copy(this.sizeBytes, this.sizeFilled, pos, pos + take);
          this.sizeFilled += take;
          if (this.sizeFilled < 4) return;
          size = this.sizeBytes.readInt32BE(0);
        }
        this.sizeFilled = 0;
        pos += take;
        if (size < this.opts.minFrameBytes || size > this.opts.maxFrameBytes) {
          this.stopped = true;
          this.opts.onInvalidSize(size);
          return;
        }
        if (chunk.length - pos >= size) {
          this.opts.onFrame(chunk.subarray(pos, pos + size));
          pos += size;
          continue;
        }
        this.frame = Buffer.allocUnsafe(size);
        this.frameFilled = 0;
      }
      const frame = this.frame;
      const take = Math.min(frame.length - this.frameFilled, chunk.length - pos);
      chunk.copy(frame, this.frameFilled, pos, pos + take);
      this.frameFilled += take;
      pos += take;
      if (this.frameFilled === frame.length) {
        this.frame = null;
        this.opts.onFrame(frame);
      }
    }
  }
}
