/**
 * The contract between the type mapping and the rest of event building: for one column type, the Connect schema,
 * how pgoutput text becomes a Connect value, what stands in for NULL in a NOT NULL column, and which placeholder
 * shape an unchanged TOAST value takes.
 */
import type { Schema, SchemaBuilder } from '../../../connect-runtime/api';
import type { BinaryHandlingMode } from './events-options';

/** The placeholder shapes Debezium uses for unchanged TOAST values (UnchangedToastedPlaceholder). */
export type ToastShape =
  /** The placeholder text. */
  | 'string'
  /** The placeholder bytes (bytea and other binary-mode values). */
  | 'bytes'
  /** `[placeholder]` for text-like arrays. */
  | 'text-array'
  /** `[placeholder bytes]` for bytea[]. */
  | 'bytes-array'
  /** The placeholder's bytes as numbers, for int4[]/date[] and int8[]. */
  | 'int-array'
  /** `[name-based UUID of the placeholder]` for uuid[]. */
  | 'uuid-array'
  /** `{placeholder: placeholder}` for hstore. */
  | 'hstore'
  /** No placeholder fits the type. */
  | 'none';

export interface ValueCodec {
  /** A fresh builder of the value schema: required and without default, the caller adds both per column. */
  schema(): SchemaBuilder;
  /**
   * pgoutput text → Connect value. `schema` is the final schema the value goes into (struct values must be built
   * on it). Throws a DataError for text it cannot read.
   */
  parse(text: string, schema: Schema): unknown;
  /** What Debezium emits for NULL in a NOT NULL column without default (the type's zero). */
  fallback(schema: Schema): unknown;
  toast: ToastShape;
}

/** Bytes in the form `binary.handling.mode` asks for. */
export function binaryValue(bytes: Buffer, mode: BinaryHandlingMode): Buffer | string {
  switch (mode) {
    case 'bytes':
      return bytes;
    case 'base64':
      return bytes.toString('base64');
    case 'base64-url-safe':
      // java.util.Base64's URL encoder keeps the '=' padding, unlike Node's 'base64url'.
      return bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
    case 'hex':
      return bytes.toString('hex');
  }
}
