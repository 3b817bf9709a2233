/**
 * Which half of a record a transformation works on. Kafka models this with the `$Key` and `$Value` inner classes of
 * each transformation; here the shared logic lives in one abstract class and the two concrete classes only pick a
 * side, so that the per-record code never branches on "key or value".
 */
import type { ConnectHeaders, ConnectRecord, Schema } from '../api';

export interface RecordSide {
  readonly name: 'key' | 'value';
  schema<R extends ConnectRecord<R>>(record: R): Schema | null;
  value<R extends ConnectRecord<R>>(record: R): unknown;
  /** A copy of the record with this side replaced (and the headers, when given). */
  update<R extends ConnectRecord<R>>(record: R, schema: Schema | null, value: unknown, headers?: ConnectHeaders): R;
}

export const KEY_SIDE: RecordSide = Object.freeze({
  name: 'key',
  schema: <R extends ConnectRecord<R>>(record: R): Schema | null => record.keySchema,
  value: <R extends ConnectRecord<R>>(record: R): unknown => record.key,
  update: <R extends ConnectRecord<R>>(record: R, schema: Schema | null, value: unknown, headers?: ConnectHeaders): R =>
    record.newRecord(headers === undefined ? { keySchema: schema, key: value } : { keySchema: schema, key: value, headers }),
});

export const VALUE_SIDE: RecordSide = Object.freeze({
  name: 'value',
  schema: <R extends ConnectRecord<R>>(record: R): Schema | null => record.valueSchema,
  value: <R extends ConnectRecord<R>>(record: R): unknown => record.value,
  update: <R extends ConnectRecord<R>>(record: R, schema: Schema | null, value: unknown, headers?: ConnectHeaders): R =>
    record.newRecord(headers === undefined ? { valueSchema: schema, value } : { valueSchema: schema, value, headers }),
});
