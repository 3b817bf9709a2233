/**
 * Bounds-checked reader and chunked writer for the Kafka wire primitives. The reader never allocates
 * for byte fields: it returns views into the request buffer. The writer copies small values into a
 * growing buffer but keeps large byte blobs (record batches) as separate chunks, so a fetch response
 * hands stored batches to the socket without copying them again.
 */

/** A request or message that does not decode: the connection that sent it is closed. */
export class MalformedMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedMessageError';
  }
}

const TWO_POW_32 = 4294967296;

export class Reader {
  pos: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.end) {
      throw new MalformedMessageError(`${what} needs ${n} bytes at position ${this.pos} but only ${this.remaining} remain`);
    }
  }

  int8(): number {
    this.need(1, 'int8');
    return this.buf.readInt8(this.pos++);
  }

  bool(): boolean {
    return this.int8() !== 0;
  }

  int16(): number {
    this.need(2, 'int16');
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  uint16(): number {
    this.need(2, 'uint16');
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int32(): number {
    this.need(4, 'int32');
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  uint32(): number {
    this.need(4, 'uint32');
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** int64 as a JS number: exact for every offset and timestamp below 2^53. */
  int64(): number {
    this.need(8, 'int64');
    const v = this.buf.readInt32BE(this.pos) * TWO_POW_32 + this.buf.readUInt32BE(this.pos + 4);
    this.pos += 8;
    return v;
  }

  float64(): number {
    this.need(8, 'float64');
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  uvarint(): number {
    let value = 0;
    let shift = 0;
    for (;;) {
      this.need(1, 'varint');
      const b = this.buf[this.pos++] as number;
      value += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return value;
      shift += 7;
      if (shift > 35) throw new MalformedMessageError('unsigned varint longer than 5 bytes');
    }
  }

  raw(n: number, what = 'bytes'): Buffer {
    this.need(n, what);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  uuid(): Buffer {
    return this.raw(16, 'uuid');
  }

  /** Length of a string, byte array or array: classic int16/int32 or compact uvarint N+1; -1 is null. */
  length(kind: 'string' | 'bytes' | 'array', compact: boolean): number {
    if (compact) return this.uvarint() - 1;
    return kind === 'string' ? this.int16() : this.int32();
  }

  string(compact: boolean, nullable: boolean): string | null {
    const n = this.length('string', compact);
    if (n < 0) {
      if (nullable) return null;
      throw new MalformedMessageError(`non-nullable string has length ${n}`);
    }
    this.need(n, 'string');
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  bytes(compact: boolean, nullable: boolean): Buffer | null {
    const n = this.length('bytes', compact);
    if (n < 0) {
      if (nullable) return null;
      throw new MalformedMessageError(`non-nullable bytes have length ${n}`);
    }
    return this.raw(n);
  }

  skipTaggedFields(onTag?: (tag: number, r: Reader, size: number) => boolean): void {
    const count = this.uvarint();
    for (let i = 0; i < count; i++) {
      const tag = this.uvarint();
      const size = this.uvarint();
      this.need(size, 'tagged field');
      const end = this.pos + size;
      if (!onTag || !onTag(tag, this, size)) this.pos = end;
      else if (this.pos !== end) throw new MalformedMessageError(`tagged field ${tag} did not use its ${size} bytes`);
    }
  }
}

/** Blobs at least this large are referenced, not copied, by the writer. */
const ZERO_COPY_THRESHOLD = 4096;

export class Writer {
  private chunks: Buffer[] = [];
  private buf: Buffer;
  private pos = 0;
  private flushedLength = 0;

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  get length(): number {
    return this.flushedLength + this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  int8(v: number): this {
    this.ensure(1);
    this.buf.writeInt8(v, this.pos++);
    return this;
  }

  bool(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }

  int16(v: number): this {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  uint16(v: number): this {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  int32(v: number): this {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }

  uint32(v: number): this {
    this.ensure(4);
    this.buf.writeUInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }

  int64(v: number | bigint): this {
    this.ensure(8);
    if (typeof v === 'bigint') {
      this.buf.writeBigInt64BE(v, this.pos);
    } else {
      const hi = Math.floor(v / TWO_POW_32);
      this.buf.writeInt32BE(hi, this.pos);
      this.buf.writeUInt32BE(v - hi * TWO_POW_32, this.pos + 4);
    }
    this.pos += 8;
    return this;
  }

  float64(v: number): this {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
    return this;
  }

  uvarint(v: number): this {
    this.ensure(5);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
    return this;
  }

  raw(data: Buffer): this {
    if (data.length >= ZERO_COPY_THRESHOLD) {
      this.chunks.push(this.buf.subarray(0, this.pos));
      this.flushedLength += this.pos;
      this.buf = this.buf.subarray(this.pos);
      this.pos = 0;
      this.chunks.push(data);
      this.flushedLength += data.length;
      return this;
    }
    this.ensure(data.length);
    data.copy(this.buf, this.pos);
    this.pos += data.length;
    return this;
  }

  length_(kind: 'string' | 'bytes' | 'array', compact: boolean, n: number): this {
    if (compact) return this.uvarint(n + 1);
    return kind === 'string' ? this.int16(n) : this.int32(n);
  }

  string(v: string | null, compact: boolean): this {
    if (v === null) return this.length_('string', compact, -1);
    const n = Buffer.byteLength(v);
    this.length_('string', compact, n);
    this.ensure(n);
    this.buf.write(v, this.pos, 'utf8');
    this.pos += n;
    return this;
  }

  bytes(v: Buffer | null, compact: boolean): this {
    if (v === null) return this.length_('bytes', compact, -1);
    this.length_('bytes', compact, v.length);
    return this.raw(v);
  }

  /** Overwrites an int32 already written at absolute position `at` (used for size prefixes). */
  patchInt32(at: number, v: number): void {
    if (at >= this.flushedLength) {
      this.buf.writeInt32BE(v, at - this.flushedLength);
      return;
    }
    let base = 0;
    for (const chunk of this.chunks) {
      if (at < base + chunk.length) {
        chunk.writeInt32BE(v, at - base);
        return;
      }
      base += chunk.length;
    }
  }

  /** The written bytes as a list of chunks (no copy of large blobs). */
  toChunks(): Buffer[] {
    const out = this.chunks.filter((c) => c.length > 0);
    if (this.pos > 0) out.push(this.buf.subarray(0, this.pos));
    return out;
  }

  toBuffer(): Buffer {
    const chunks = this.toChunks();
    return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, this.length);
  }
}
