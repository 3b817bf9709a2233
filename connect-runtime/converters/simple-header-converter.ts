/**
 * SimpleHeaderConverter (org.apache.kafka.connect.storage.SimpleHeaderConverter), the default header converter:
 * writes the value's string form as UTF-8 and reads by inferring a schema from the text (see api/values for what
 * is recognised). Bytes that are not valid UTF-8 are returned as BYTES unchanged rather than as mangled text.
 */
import { isUtf8 } from 'node:buffer';
import { ConfigDef } from '../api/config-def';
import type { ConverterConfigs, HeaderConverter } from '../api/converter';
import { Schema } from '../api/schema';
import { SchemaAndValue } from '../api/schema-and-value';
import { convertToString, parseString } from '../api/values';

export const SIMPLE_HEADER_CONVERTER_CLASS = 'org.apache.kafka.connect.storage.SimpleHeaderConverter';

export class SimpleHeaderConverter implements HeaderConverter {
  config(): ConfigDef {
    return new ConfigDef();
  }

  configure(_configs: ConverterConfigs): void {}

  toConnectHeader(_topic: string, _headerKey: string, value: Buffer | null): SchemaAndValue {
    if (value === null) return SchemaAndValue.NULL;
    if (!isUtf8(value)) return new SchemaAndValue(Schema.BYTES_SCHEMA, value);
    return parseString(value.toString('utf8'));
  }

  fromConnectHeader(_topic: string, _headerKey: string, schema: Schema | null, value: unknown): Buffer | null {
    const text = convertToString(schema, value);
    return text === null ? null : Buffer.from(text, 'utf8');
  }
}
