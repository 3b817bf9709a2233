/**
 * ByteArrayConverter (org.apache.kafka.connect.converters.ByteArrayConverter): bytes pass through untouched and
 * uncopied. Only a BYTES schema (or none) is accepted.
 */
import type { ConfigDef } from '../api/config-def';
import { type Converter, type ConverterConfigs, converterConfigDef, type HeaderConverter } from '../api/converter';
import { DataError } from '../api/errors';
import type { ConnectHeaders } from '../api/headers';
import { Schema } from '../api/schema';
import { SchemaAndValue } from '../api/schema-and-value';
import { describeValue } from '../api/struct';

export const BYTE_ARRAY_CONVERTER_CLASS = 'org.apache.kafka.connect.converters.ByteArrayConverter';

/** A Buffer over the same memory as the given bytes (no copy). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export class ByteArrayConverter implements Converter, HeaderConverter {
  config(): ConfigDef {
    return converterConfigDef();
  }

  configure(_configs: ConverterConfigs, _isKey?: boolean): void {}

  fromConnectData(_topic: string, _headers: ConnectHeaders | null, schema: Schema | null, value: unknown): Buffer | null {
    if (schema !== null && schema.type !== 'BYTES') throw new DataError(`Invalid schema type for ByteArrayConverter: ${schema.type}`);
    if (value === null || value === undefined) return null;
    if (value instanceof Uint8Array) return asBuffer(value);
    throw new DataError(`ByteArrayConverter is not compatible with ${describeValue(value)}`);
  }

  toConnectData(_topic: string, _headers: ConnectHeaders | null, value: Buffer | null): SchemaAndValue {
    return new SchemaAndValue(Schema.OPTIONAL_BYTES_SCHEMA, value);
  }

  fromConnectHeader(topic: string, _headerKey: string, schema: Schema | null, value: unknown): Buffer | null {
    return this.fromConnectData(topic, null, schema, value);
  }

  toConnectHeader(topic: string, _headerKey: string, value: Buffer | null): SchemaAndValue {
    return this.toConnectData(topic, null, value);
  }
}
