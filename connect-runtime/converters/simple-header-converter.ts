/**
 * SimpleHeaderConverter (org.apache.kafka.connect.storage.SimpleHeaderConverter), the default header converter:
 * writes the value's string form as UTF-8 and reads by inferring a schema from the text (see api/values for what
 * is recognised). Bytes that are not valid UTF-8 are returned as BYTES unchanged rather than as mangled text.
 *
 * Header values mostly repeat from record to record (connector names, task ids), so each direction keeps a small
 * bounded cache of its recent results and skips the work it would repeat for every record: the UTF-8 check, the
 * decoding and the parsing when reading (about 1 µs per header), the encoding when writing (a native call each).
 */
import { isUtf8 } from 'node:buffer';
import { ConfigDef } from '../api/config-def';
import type { ConverterConfigs, HeaderConverter } from '../api/converter';
import { Schema } from '../api/schema';
import { SchemaAndValue } from '../api/schema-and-value';
import { convertToString, parseString } from '../api/values';

export const SIMPLE_HEADER_CONVERTER_CLASS = 'org.apache.kafka.connect.storage.SimpleHeaderConverter';

export class SimpleHeaderConverter implements HeaderConverter {
  private parsed = new ParsedHeaderCache();
  private encoded = new EncodedHeaderCache();

  config(): ConfigDef {
    return new ConfigDef();
  }

  configure(_configs: ConverterConfigs): void {
    this.parsed = new ParsedHeaderCache();
    this.encoded = new EncodedHeaderCache();
  }

  toConnectHeader(_topic: string, _headerKey: string, value: Buffer | null): SchemaAndValue {
    if (value === null) return SchemaAndValue.NULL;
    const cached = this.parsed.find(value);
    if (cached !== undefined) return cached;
    const parsed = parseHeaderBytes(value);
    this.parsed.remember(value, parsed);
    return parsed;
  }

  /**
   * The value's string form as UTF-8. A string value's bytes may be a Buffer returned before for the same string:
   * callers only read header bytes (the producer copies them into its record batch), never write into them.
   */
  fromConnectHeader(_topic: string, headerKey: string, schema: Schema | null, value: unknown): Buffer | null {
    // A string's string form is the string itself, whatever the schema says.
    if (typeof value === 'string') return this.encoded.bytesOf(headerKey, value);
    const text = convertToString(schema, value);
    return text === null ? null : Buffer.from(text, 'utf8');
  }
}

function parseHeaderBytes(bytes: Buffer): SchemaAndValue {
  if (!isUtf8(bytes)) return new SchemaAndValue(Schema.BYTES_SCHEMA, bytes);
  return parseString(bytes.toString('utf8'));
}

/** Enough for the distinct repeating header values of a few connectors. A power of two. */
const PARSED_CACHE_SLOTS = 256;
/** Header keys whose last written value is kept. */
const MAX_ENCODED_KEYS = 256;
/** Longer values rarely repeat (they carry data, not context) and are not cached. */
const MAX_CACHED_LENGTH = 64;

/**
 * Parsed header values by their bytes, in a direct-mapped table: a slot is chosen by a hash of the bytes, a hit
 * needs the same bytes, and a new value replaces the slot's old one. Hashing and comparing a few bytes in JavaScript
 * is far cheaper than the UTF-8 check, decoding and parsing of a miss. Only results whose value is immutable are
 * kept (null, strings, numbers, booleans, bigints), as one SchemaAndValue is then handed to many records; Dates,
 * collections and Buffers would let one record's change show in another's header.
 */
class ParsedHeaderCache {
  private readonly keys: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(PARSED_CACHE_SLOTS).fill(undefined);
  private readonly values: (SchemaAndValue | undefined)[] = new Array<SchemaAndValue | undefined>(PARSED_CACHE_SLOTS).fill(undefined);

  find(bytes: Buffer): SchemaAndValue | undefined {
    if (bytes.length > MAX_CACHED_LENGTH) return undefined;
    const slot = bytesSlotOf(bytes);
    const key = this.keys[slot];
    return key !== undefined && sameBytes(key, bytes) ? this.values[slot] : undefined;
  }

  remember(bytes: Buffer, parsed: SchemaAndValue): void {
    if (bytes.length > MAX_CACHED_LENGTH || !hasImmutableValue(parsed)) return;
    const slot = bytesSlotOf(bytes);
    // A copy: the consumed bytes are a view of a whole fetch response, which the cache must not keep alive.
    this.keys[slot] = new Uint8Array(bytes);
    this.values[slot] = parsed;
  }
}

function hasImmutableValue(parsed: SchemaAndValue): boolean {
  const value = parsed.value;
  const type = typeof value;
  return value === null || type === 'string' || type === 'number' || type === 'boolean' || type === 'bigint';
}

/** FNV-1a of the bytes, folded to a slot. */
function bytesSlotOf(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ (bytes[i] as number), 0x01000193);
  return (hash ^ (hash >>> 16)) & (PARSED_CACHE_SLOTS - 1);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The last string written under one header key, and its bytes. */
interface LastEncoded {
  text: string;
  bytes: Buffer;
}

/**
 * The UTF-8 bytes of the last string written under each header key. A header key mostly carries the same value
 * record after record (a connector's constant context), and the keys themselves are the same string objects each
 * time, whose hash V8 keeps, so finding the key's entry is cheap. A value that differs from the last one replaces it
 * in place, so values that never repeat cost no insertion. Keys beyond the first MAX_ENCODED_KEYS are not kept. (A
 * kept Buffer also keeps the 8 KiB pool that Buffer.from cut it from: a few MiB at the very worst.)
 */
class EncodedHeaderCache {
  private readonly lastByKey = new Map<string, LastEncoded>();

  bytesOf(headerKey: string, text: string): Buffer {
    const last = this.lastByKey.get(headerKey);
    if (last !== undefined && last.text === text) return last.bytes;
    const bytes = Buffer.from(text, 'utf8');
    if (text.length > MAX_CACHED_LENGTH) return bytes;
    if (last !== undefined) {
      last.text = text;
      last.bytes = bytes;
    } else if (this.lastByKey.size < MAX_ENCODED_KEYS) {
      this.lastByKey.set(headerKey, { text, bytes });
    }
    return bytes;
  }
}
