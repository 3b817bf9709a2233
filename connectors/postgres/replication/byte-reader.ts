/**
 * A bounds-checked big-endian cursor over one message. Every read names the field it wanted so that a truncated
 * or malformed message fails with the message kind, the field and the byte offset instead of a RangeError from
 * deep inside Buffer.
 */
import { PgoutputDecodeError } from './errors';

export class ByteReader {
  offset: number;

  /** `what` names the message being read, e.g. `pgoutput Insert ('I')`. */
  constructor(
    readonly buf: Buffer,
    readonly what: string,
    readonly tag?: string,
    offset = 0,
  ) {
    this.offset = offset;
  }

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  private need(n: number, field: string): number {
    const at = this.offset;
    if (at + n > this.buf.length) {
      throw new PgoutputDecodeError(
        `${this.what} is truncated: ${field} needs ${n} byte(s) at offset ${at} but the message ends at ${this.buf.length}`,
        { ...(this.tag === undefined ? {} : { tag: this.tag }), offset: at },
      );
    }
    this.offset = at + n;
    return at;
  }

  fail(message: string, at = this.offset): never {
    throw new PgoutputDecodeError(`${this.what}: ${message} (offset ${at})`, {
      ...(this.tag === undefined ? {} : { tag: this.tag }),
      offset: at,
    });
  }

  uint8(field: string): number {
    return this.buf[this.need(1, field)]!;
  }

  int16(field: string): number {
    return this.buf.readInt16BE(this.need(2, field));
  }

  /** OIDs and transaction ids are unsigned 32-bit on the wire. */
  uint32(field: string): number {
    return this.buf.readUInt32BE(this.need(4, field));
  }

  int32(field: string): number {
    return this.buf.readInt32BE(this.need(4, field));
  }

  /** LSNs are unsigned. */
  uint64(field: string): bigint {
    return this.buf.readBigUInt64BE(this.need(8, field));
  }

  /** Timestamps are signed (times before 2000 are negative). */
  int64(field: string): bigint {
    return this.buf.readBigInt64BE(this.need(8, field));
  }

  /** A NUL-terminated UTF-8 string. */
  cstring(field: string): string {
    const start = this.offset;
    const end = this.buf.indexOf(0, start);
    if (end < 0) this.fail(`${field} has no NUL terminator`, start);
    this.offset = end + 1;
    return this.buf.toString('utf8', start, end);
  }

  /** A view into the message (no copy): valid only as long as the underlying buffer is not reused. */
  bytes(length: number, field: string): Buffer {
    if (length < 0) this.fail(`${field} has negative length ${length}`);
    const at = this.need(length, field);
    return this.buf.subarray(at, at + length);
  }

  utf8(length: number, field: string): string {
    if (length < 0) this.fail(`${field} has negative length ${length}`);
    const at = this.need(length, field);
    return this.buf.toString('utf8', at, at + length);
  }
}
