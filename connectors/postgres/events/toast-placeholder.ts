/**
 * The value that stands for an unchanged TOAST column (pgoutput tuple kind 'u'), shaped like the column's type as
 * Debezium shapes it: the placeholder text for string types, its bytes for bytea, `[placeholder]` for text arrays,
 * the placeholder's byte values for int4[]/int8[]/date[], a name-based UUID for uuid[] and `{placeholder:
 * placeholder}` for hstore.
 */
import { createHash } from 'node:crypto';
import { type Schema, validateValue } from '../../../connect-runtime/api';
import type { ValueMappingOptions } from './events-options';
import { hstoreToJson } from './text-hstore';
import type { ToastShape } from './value-codec';

/** java.util.UUID.nameUUIDFromBytes: an MD5-based (version 3) UUID. */
export function nameUuidFromBytes(bytes: Uint8Array): string {
  const md5 = createHash('md5').update(bytes).digest();
  md5[6] = ((md5[6] as number) & 0x0f) | 0x30;
  md5[8] = ((md5[8] as number) & 0x3f) | 0x80;
  const hex = md5.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function candidate(shape: ToastShape, schema: Schema, options: ValueMappingOptions): unknown {
  const bytes = options.unavailableValuePlaceholder;
  const text = bytes.toString('utf8');
  switch (shape) {
    case 'string':
      return text;
    case 'bytes':
      // Debezium passes the raw bytes in bytes mode and the raw text in hex mode; the base64 modes get the raw text
      // too (Debezium emits null there), so sinks can recognise the placeholder in every mode.
      return schema.type === 'BYTES' ? Buffer.from(bytes) : text;
    case 'text-array':
      return [text];
    case 'bytes-array':
      return [schema.valueSchema.type === 'BYTES' ? Buffer.from(bytes) : text];
    case 'int-array':
      // Java bytes are signed.
      return [...bytes].map((b) => (b > 127 ? b - 256 : b));
    case 'uuid-array':
      return [nameUuidFromBytes(bytes)];
    case 'hstore':
      return schema.type === 'MAP' ? new Map([[text, text]]) : hstoreToJson([[text, text]]);
    case 'none':
      return undefined;
  }
}

/**
 * The placeholder for a column of the given shape and final schema, or undefined when no placeholder can be
 * expressed in that schema (the caller then emits the column's NULL stand-in).
 */
export function toastPlaceholder(shape: ToastShape, schema: Schema, options: ValueMappingOptions): unknown {
  const value = candidate(shape, schema, options);
  if (value === undefined) return undefined;
  try {
    validateValue(schema, value);
    return value;
  } catch {
    return undefined;
  }
}
