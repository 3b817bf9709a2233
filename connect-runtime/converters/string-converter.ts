/**
 * StringConverter (org.apache.kafka.connect.storage.StringConverter): values as text in `converter.encoding`
 * (UTF-8 by default). Reading always yields an optional STRING. Writing uses the value's string form; bytes are
 * passed through unchanged (no copy) instead of being stringified.
 */
import { ConfigError } from '../api/errors';
import type { ConfigDef } from '../api/config-def';
import { AbstractConfig } from '../api/abstract-config';
import { type Converter, type ConverterConfigs, converterConfigDef, type HeaderConverter } from '../api/converter';
import type { ConnectHeaders } from '../api/headers';
import { Schema } from '../api/schema';
import { SchemaAndValue } from '../api/schema-and-value';
import { displayValue } from '../api/struct';
import { asBuffer } from './byte-array-converter';

export const STRING_CONVERTER_CLASS = 'org.apache.kafka.connect.storage.StringConverter';
export const STRING_CONVERTER_ENCODING_CONFIG = 'converter.encoding';

/** Java charset names → Node.js encodings. */
const ENCODINGS: Readonly<Record<string, BufferEncoding>> = {
  UTF8: 'utf8',
  UTF16LE: 'utf16le',
  UNICODELITTLEUNMARKED: 'utf16le',
  ISO88591: 'latin1',
  LATIN1: 'latin1',
  USASCII: 'ascii',
  ASCII: 'ascii',
};

export function stringConverterConfigDef(): ConfigDef {
  return converterConfigDef().define({
    name: STRING_CONVERTER_ENCODING_CONFIG, type: 'STRING', default: 'UTF-8', importance: 'HIGH',
    documentation: 'The character encoding of the text: UTF-8 (default), UTF-16LE, ISO-8859-1 or US-ASCII.',
    group: 'Converter', orderInGroup: 0, width: 'MEDIUM', displayName: 'Encoding',
  });
}

export function toNodeEncoding(charset: string): BufferEncoding {
  const encoding = ENCODINGS[charset.toUpperCase().replace(/[-_]/g, '')];
  if (encoding === undefined) {
    throw ConfigError.invalidValue(STRING_CONVERTER_ENCODING_CONFIG, charset, 'Unsupported encoding; use UTF-8, UTF-16LE, ISO-8859-1 or US-ASCII');
  }
  return encoding;
}

export class StringConverter implements Converter, HeaderConverter {
  private encoding: BufferEncoding = 'utf8';

  config(): ConfigDef {
    return stringConverterConfigDef();
  }

  configure(configs: ConverterConfigs, isKey?: boolean): void {
    const type = isKey === undefined ? (configs['converter.type'] ?? 'header') : isKey ? 'key' : 'value';
    const config = new AbstractConfig(stringConverterConfigDef(), { ...configs, 'converter.type': type });
    this.encoding = toNodeEncoding(config.getString(STRING_CONVERTER_ENCODING_CONFIG) ?? 'UTF-8');
  }

  fromConnectData(_topic: string, _headers: ConnectHeaders | null, _schema: Schema | null, value: unknown): Buffer | null {
    if (value === null || value === undefined) return null;
    if (typeof value === 'string') return Buffer.from(value, this.encoding);
    if (value instanceof Uint8Array) return asBuffer(value);
    return Buffer.from(displayValue(value), this.encoding);
  }

  toConnectData(_topic: string, _headers: ConnectHeaders | null, value: Buffer | null): SchemaAndValue {
    return new SchemaAndValue(Schema.OPTIONAL_STRING_SCHEMA, value === null ? null : value.toString(this.encoding));
  }

  fromConnectHeader(topic: string, _headerKey: string, schema: Schema | null, value: unknown): Buffer | null {
    return this.fromConnectData(topic, null, schema, value);
  }

  toConnectHeader(topic: string, _headerKey: string, value: Buffer | null): SchemaAndValue {
    return this.toConnectData(topic, null, value);
  }
}
