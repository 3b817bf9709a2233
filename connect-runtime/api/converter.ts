/**
 * Converter and HeaderConverter contracts (Kafka's Converter, HeaderConverter, ConverterType, ConverterConfig).
 * Converters run on the hot path of every record, so they are synchronous.
 */
import { ConfigDef } from './config-def';
import { NO_DEFAULT } from './config-types';
import { ValidString } from './config-validators';
import type { ConnectHeaders } from './headers';
import type { Schema } from './schema';
import type { SchemaAndValue } from './schema-and-value';

export const ConverterType = { KEY: 'key', VALUE: 'value', HEADER: 'header' } as const;
export type ConverterType = (typeof ConverterType)[keyof typeof ConverterType];

/** The `converter.type` key every converter accepts (the worker sets it). */
export const CONVERTER_TYPE_CONFIG = 'converter.type';

/** Settings given to a converter: the worker's `key.converter.*` (etc.) properties with the prefix removed. */
export type ConverterConfigs = Readonly<Record<string, unknown>>;

/** Converts between Connect data and the bytes of record keys or values. */
export interface Converter {
  configure(configs: ConverterConfigs, isKey: boolean): void;
  /** Connect data → bytes; null for a null value without schema (a tombstone). */
  fromConnectData(topic: string, headers: ConnectHeaders | null, schema: Schema | null, value: unknown): Buffer | null;
  /** Bytes (null for a tombstone) → Connect data. */
  toConnectData(topic: string, headers: ConnectHeaders | null, value: Buffer | null): SchemaAndValue;
  config(): ConfigDef;
  close?(): void;
}

/** Converts between Connect header values and header bytes. */
export interface HeaderConverter {
  configure(configs: ConverterConfigs): void;
  toConnectHeader(topic: string, headerKey: string, value: Buffer | null): SchemaAndValue;
  fromConnectHeader(topic: string, headerKey: string, schema: Schema | null, value: unknown): Buffer | null;
  config(): ConfigDef;
  close?(): void;
}

/** A spec holding only `converter.type` (Kafka's ConverterConfig.newConfigDef()); converters add their keys. */
export function converterConfigDef(): ConfigDef {
  return new ConfigDef().define({
    name: CONVERTER_TYPE_CONFIG,
    type: 'STRING',
    default: NO_DEFAULT,
    validator: ValidString.in(ConverterType.KEY, ConverterType.VALUE, ConverterType.HEADER),
    importance: 'LOW',
    documentation: 'How this converter is used: for record keys, record values or headers.',
  });
}
