/**
 * Recognises Debezium's stand-in for an unchanged TOASTed column (`__debezium_unavailable_value` by default). The
 * source cannot see such a value, so it sends the placeholder in the shape of the column's type: the text, its UTF-8
 * bytes, a one-element array of either, the bytes as numbers for integer arrays, a one-element array holding a
 * name-based UUID of the bytes for uuid[], or `{placeholder: placeholder}` for hstore maps. A column that holds it
 * must keep its current value, so the sink leaves it out of the write.
 */
import { createHash } from 'node:crypto';
import { isPlainObject } from '../../../connect-runtime/api';

export class UnavailableValueMatcher {
  private readonly text: string;
  private readonly bytes: Buffer;
  private readonly uuid: string;

  /** `placeholder` as configured on the source: plain text, or `hex:` followed by the bytes in hex. */
  constructor(placeholder: string) {
    this.bytes = placeholder.startsWith('hex:') ? Buffer.from(placeholder.slice(4), 'hex') : Buffer.from(placeholder, 'utf8');
    this.text = this.bytes.toString('utf8');
    this.uuid = nameBasedUuid(this.bytes);
  }

  matches(value: unknown): boolean {
    // Most values are numbers, booleans or ordinary strings: settle those first, cheaply.
    if (typeof value !== 'object') return typeof value === 'string' && value.length === this.text.length && value === this.text;
    if (value === null) return false;
    if (value instanceof Uint8Array) return this.sameBytes(value);
    if (Array.isArray(value)) return this.matchesArray(value);
    if (value instanceof Map) return value.size === 1 && value.get(this.text) === this.text;
    if (isPlainObject(value)) {
      const keys = Object.keys(value);
      return keys.length === 1 && keys[0] === this.text && value[this.text] === this.text;
    }
    return false;
  }

  private matchesArray(values: readonly unknown[]): boolean {
    if (values.length === 1) {
      const only = values[0];
      if (only === this.text || only === this.uuid) return true;
      if (only instanceof Uint8Array) return this.sameBytes(only);
    }
    return (
      values.length === this.bytes.length &&
      values.every((v, i) => (typeof v === 'number' || typeof v === 'bigint') && Number(v) === this.bytes[i])
    );
  }

  private sameBytes(value: Uint8Array): boolean {
    return value.length === this.bytes.length && Buffer.compare(Buffer.from(value.buffer, value.byteOffset, value.byteLength), this.bytes) === 0;
  }
}

/** java.util.UUID.nameUUIDFromBytes: the MD5 of the bytes with version 3 and the IETF variant set. */
function nameBasedUuid(bytes: Buffer): string {
  const md5 = createHash('md5').update(bytes).digest();
  md5[6] = ((md5[6] as number) & 0x0f) | 0x30;
  md5[8] = ((md5[8] as number) & 0x3f) | 0x80;
  const hex = md5.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
