/**
 * Record headers with Connect schemas (Kafka's Header / ConnectHeader / ConnectHeaders). Header keys may repeat;
 * order is kept.
 */
import type { BigDecimal } from './big-decimal';
import { ConnectDate, ConnectTime, ConnectTimestamp, Decimal } from './logical-types';
import { Schema } from './schema';
import { SchemaAndValue } from './schema-and-value';
import { type Struct, validateValue } from './struct';

export interface Header {
  readonly key: string;
  readonly schema: Schema | null;
  readonly value: unknown;
}

export class ConnectHeader implements Header {
  constructor(
    readonly key: string,
    readonly schema: Schema | null,
    readonly value: unknown,
  ) {}

  rename(key: string): ConnectHeader {
    return new ConnectHeader(key, this.schema, this.value);
  }

  with(schema: Schema | null, value: unknown): ConnectHeader {
    return new ConnectHeader(this.key, schema, value);
  }

  toString(): string {
    return `ConnectHeader(key=${this.key}, value=${String(this.value)}, schema=${this.schema?.toString() ?? 'null'})`;
  }
}

/** Transforms a header; returning null removes it. */
export type HeaderTransform = (header: Header) => Header | null;

export class ConnectHeaders implements Iterable<Header> {
  private headers: Header[];

  constructor(headers?: Iterable<Header>) {
    this.headers = headers ? [...headers] : [];
  }

  get size(): number {
    return this.headers.length;
  }

  isEmpty(): boolean {
    return this.headers.length === 0;
  }

  /** Adds a header. With a schema the value is validated against it (a DataError names the header). */
  add(header: Header): this;
  add(key: string, schemaAndValue: SchemaAndValue): this;
  add(key: string, value: unknown, schema: Schema | null): this;
  add(keyOrHeader: string | Header, value?: unknown, schema?: Schema | null): this {
    let header: Header;
    if (typeof keyOrHeader !== 'string') {
      header = keyOrHeader;
    } else if (value instanceof SchemaAndValue && schema === undefined) {
      header = new ConnectHeader(keyOrHeader, value.schema, value.value);
    } else {
      header = new ConnectHeader(keyOrHeader, schema ?? null, value ?? null);
    }
    if (header.schema !== null && header.value !== null && header.value !== undefined) {
      validateValue(header.schema, header.value, header.key);
    }
    this.headers.push(header);
    return this;
  }

  addString(key: string, value: string | null): this {
    return this.addTyped(key, value, Schema.STRING_SCHEMA, Schema.OPTIONAL_STRING_SCHEMA);
  }

  addBoolean(key: string, value: boolean | null): this {
    return this.addTyped(key, value, Schema.BOOLEAN_SCHEMA, Schema.OPTIONAL_BOOLEAN_SCHEMA);
  }

  addByte(key: string, value: number | null): this {
    return this.addTyped(key, value, Schema.INT8_SCHEMA, Schema.OPTIONAL_INT8_SCHEMA);
  }

  addShort(key: string, value: number | null): this {
    return this.addTyped(key, value, Schema.INT16_SCHEMA, Schema.OPTIONAL_INT16_SCHEMA);
  }

  addInt(key: string, value: number | null): this {
    return this.addTyped(key, value, Schema.INT32_SCHEMA, Schema.OPTIONAL_INT32_SCHEMA);
  }

  addLong(key: string, value: number | bigint | null): this {
    return this.addTyped(key, value, Schema.INT64_SCHEMA, Schema.OPTIONAL_INT64_SCHEMA);
  }

  addFloat(key: string, value: number | null): this {
    return this.addTyped(key, value, Schema.FLOAT32_SCHEMA, Schema.OPTIONAL_FLOAT32_SCHEMA);
  }

  addDouble(key: string, value: number | null): this {
    return this.addTyped(key, value, Schema.FLOAT64_SCHEMA, Schema.OPTIONAL_FLOAT64_SCHEMA);
  }

  addBytes(key: string, value: Uint8Array | null): this {
    return this.addTyped(key, value, Schema.BYTES_SCHEMA, Schema.OPTIONAL_BYTES_SCHEMA);
  }

  addList(key: string, value: unknown[] | null, schema: Schema): this {
    return this.add(key, value, schema);
  }

  addMap(key: string, value: Map<unknown, unknown> | Record<string, unknown> | null, schema: Schema): this {
    return this.add(key, value, schema);
  }

  addStruct(key: string, value: Struct): this {
    return this.add(key, value, value.schema);
  }

  addDecimal(key: string, value: BigDecimal): this {
    return this.add(key, value, Decimal.schema(value.scale));
  }

  addDate(key: string, value: Date): this {
    return this.add(key, value, ConnectDate.SCHEMA);
  }

  addTime(key: string, value: Date): this {
    return this.add(key, value, ConnectTime.SCHEMA);
  }

  addTimestamp(key: string, value: Date): this {
    return this.add(key, value, ConnectTimestamp.SCHEMA);
  }

  /** The last header with this key, or undefined. */
  lastWithName(key: string): Header | undefined {
    for (let i = this.headers.length - 1; i >= 0; i--) {
      const h = this.headers[i] as Header;
      if (h.key === key) return h;
    }
    return undefined;
  }

  allWithName(key: string): Header[] {
    return this.headers.filter((h) => h.key === key);
  }

  remove(key: string): this {
    this.headers = this.headers.filter((h) => h.key !== key);
    return this;
  }

  /** Keeps only the last header of each key (or of the given key). */
  retainLatest(key?: string): this {
    const keep = new Set<Header>();
    const seen = new Set<string>();
    for (let i = this.headers.length - 1; i >= 0; i--) {
      const h = this.headers[i] as Header;
      if ((key !== undefined && h.key !== key) || !seen.has(h.key)) keep.add(h);
      seen.add(h.key);
    }
    this.headers = this.headers.filter((h) => keep.has(h));
    return this;
  }

  clear(): this {
    this.headers = [];
    return this;
  }

  /** Applies a transform to every header (or every header with the given key); null results are removed. */
  apply(transform: HeaderTransform, key?: string): this {
    const out: Header[] = [];
    for (const h of this.headers) {
      if (key !== undefined && h.key !== key) {
        out.push(h);
        continue;
      }
      const next = transform(h);
      if (next !== null) out.push(next);
    }
    this.headers = out;
    return this;
  }

  duplicate(): ConnectHeaders {
    return new ConnectHeaders(this.headers);
  }

  toArray(): Header[] {
    return [...this.headers];
  }

  [Symbol.iterator](): Iterator<Header> {
    return this.headers[Symbol.iterator]();
  }

  private addTyped(key: string, value: unknown, schema: Schema, optionalSchema: Schema): this {
    return this.add(key, value, value === null ? optionalSchema : schema);
  }
}
