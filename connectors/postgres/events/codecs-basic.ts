/**
 * Codecs of the non-temporal types: booleans, integers, floats, text-like types, bytea, bit strings, numeric,
 * money, point and hstore, each with Debezium's schema, value and NOT NULL fallback.
 */
import { BigDecimal, bigIntToTwosComplement, DataError, Decimal, Schema, SchemaBuilder, Struct } from '../../../connect-runtime/api';
import { DebeziumSchemas, int64 } from './debezium-schemas';
import type { BinaryHandlingMode, DecimalHandlingMode, HstoreHandlingMode } from './events-options';
import { hstoreToJson, parseHstore } from './text-hstore';
import { type NumericSpecial, parsePgMoney, parsePgNumeric, setScaleHalfUp, stripTrailingZeros } from './text-numeric';
import { parsePgBit, parsePgBits, parsePgBool, parsePgBytea, parsePgPoint, pointWkb } from './text-scalars';
import { binaryValue, type ToastShape, type ValueCodec } from './value-codec';

function codec(schema: () => SchemaBuilder, parse: (text: string) => unknown, fallback: unknown, toast: ToastShape = 'none'): ValueCodec {
  return { schema, parse, fallback: () => fallback, toast };
}

function integer(text: string, min: number, max: number, type: string): number {
  const n = Number(text);
  if (!/^[+-]?\d+$/.test(text) || n < min || n > max) throw new DataError(`Invalid ${type} value ${JSON.stringify(text)}`);
  return n;
}

function float(text: string): number {
  const n = Number(text);
  if ((Number.isNaN(n) && text !== 'NaN') || text.trim() === '') throw new DataError(`Invalid floating-point value ${JSON.stringify(text)}`);
  return n;
}

export const boolCodec = codec(() => SchemaBuilder.bool(), parsePgBool, false);
export const int16Codec = codec(() => SchemaBuilder.int16(), (t) => integer(t, -32768, 32767, 'smallint'), 0);
export const int32Codec = codec(() => SchemaBuilder.int32(), (t) => integer(t, -2147483648, 2147483647, 'integer'), 0);
export const int64Codec = codec(
  () => SchemaBuilder.int64(),
  (t) => {
    // Up to 15 digits the value is a safe integer and Number reads it exactly; `+ 0` turns "-0" into 0 as BigInt does.
    if (t.length <= 15 && isPlainInteger(t)) return Number(t) + 0;
    if (!/^[+-]?\d+$/.test(t)) throw new DataError(`Invalid bigint value ${JSON.stringify(t)}`);
    return int64(BigInt(t));
  },
  0,
);

/** /^[+-]?\d+$/.test(text), without the regular expression. */
function isPlainInteger(text: string): boolean {
  const first = text.charCodeAt(0);
  let i = first === 43 || first === 45 ? 1 : 0;
  if (i === text.length) return false;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

export const float32Codec = codec(() => SchemaBuilder.float32(), (t) => Math.fround(float(t)), 0);
export const float64Codec = codec(() => SchemaBuilder.float64(), float, 0);

/** A type whose text passes through unchanged (text, varchar, json, uuid, inet, ranges, enums, ...). */
export function textCodec(schema: () => SchemaBuilder = () => SchemaBuilder.string()): ValueCodec {
  return codec(schema, (t) => t, '', 'string');
}

/** bytea: bytes or their base64/hex text. */
export function byteaCodec(mode: BinaryHandlingMode): ValueCodec {
  return codec(binarySchema(mode), (t) => binaryValue(parsePgBytea(t), mode), mode === 'bytes' ? Buffer.alloc(0) : '', 'bytes');
}

/** A type Debezium does not know, kept because of include.unknown.datatypes: its text as bytes per binary mode. */
export function rawTextCodec(mode: BinaryHandlingMode): ValueCodec {
  return codec(binarySchema(mode), (t) => binaryValue(Buffer.from(t, 'utf8'), mode), mode === 'bytes' ? Buffer.alloc(0) : '', 'bytes');
}

export function binarySchema(mode: BinaryHandlingMode): () => SchemaBuilder {
  return mode === 'bytes' ? () => SchemaBuilder.bytes() : () => SchemaBuilder.string();
}

/** bit(n)/varbit(n): bit(1) and varbit(1) are booleans, longer ones io.debezium.data.Bits. */
export function bitsCodec(length: number): ValueCodec {
  if (length <= 1) return codec(() => SchemaBuilder.bool(), parsePgBit, false);
  return codec(() => DebeziumSchemas.bits(length), parsePgBits, Buffer.alloc(0));
}

/** numeric(p,s) and unconstrained numeric under decimal.handling.mode. */
export function numericCodec(options: { mode: DecimalHandlingMode; precision: number; scale: number; variableScale: boolean }): ValueCodec {
  const { mode, precision, scale, variableScale } = options;
  const adjust = (d: BigDecimal): BigDecimal => (variableScale ? d : d.withScale(scale));
  const zero = adjust(new BigDecimal(0n, 0));
  if (mode === 'double') {
    return codec(() => SchemaBuilder.float64(), (t) => {
      const v = parsePgNumeric(t);
      return typeof v === 'string' ? specialDouble(v) : v.toNumber();
    }, 0);
  }
  if (mode === 'string') {
    return codec(() => SchemaBuilder.string(), (t) => {
      const v = parsePgNumeric(t);
      return typeof v === 'string' ? SPECIAL_NAMES[v] : adjust(v).toPlainString();
    }, zero.toPlainString());
  }
  const reject = (v: NumericSpecial): never => {
    throw new DataError(
      `Got a special value (${v}) for a Decimal column but decimal.handling.mode=precise cannot represent it; ` +
        "set decimal.handling.mode to 'string' (or 'double') to keep such values",
    );
  };
  if (variableScale) {
    const toStruct = (schema: Schema, d: BigDecimal): Struct => {
      let v = stripTrailingZeros(d);
      if (v.scale < 0) v = v.withScale(0);
      return new Struct(schema).put('scale', v.scale).put('value', bigIntToTwosComplement(v.unscaled));
    };
    return {
      schema: () => DebeziumSchemas.variableScaleDecimal(),
      parse: (t, schema) => {
        const v = parsePgNumeric(t);
        return typeof v === 'string' ? reject(v) : toStruct(schema, v);
      },
      fallback: (schema) => toStruct(schema, zero),
      toast: 'none',
    };
  }
  return codec(() => DebeziumSchemas.decimal(precision, scale), (t) => {
    const v = parsePgNumeric(t);
    return typeof v === 'string' ? reject(v) : adjust(v);
  }, zero);
}

const SPECIAL_NAMES: Readonly<Record<NumericSpecial, string>> = { NaN: 'NAN', Infinity: 'POSITIVE_INFINITY', '-Infinity': 'NEGATIVE_INFINITY' };

function specialDouble(v: NumericSpecial): number {
  return v === 'NaN' ? Number.NaN : v === 'Infinity' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
}

/** money: a Decimal at money.fraction.digits (rounded half up), a double, or the plain decimal string. */
export function moneyCodec(mode: DecimalHandlingMode, fractionDigits: number): ValueCodec {
  const zero = new BigDecimal(0n, fractionDigits);
  switch (mode) {
    case 'double':
      return codec(() => SchemaBuilder.float64(), (t) => parsePgMoney(t).toNumber(), 0);
    case 'string':
      return codec(() => SchemaBuilder.string(), (t) => parsePgMoney(t).toPlainString(), zero.toString());
    case 'precise':
      return codec(
        () => Decimal.builder(fractionDigits),
        (t) => setScaleHalfUp(parsePgMoney(t), fractionDigits),
        zero,
      );
  }
}

/** point: io.debezium.data.geometry.Point with x, y and the point's WKB. */
export function pointCodec(): ValueCodec {
  const toStruct = (schema: Schema, x: number, y: number): Struct =>
    new Struct(schema).put('x', x).put('y', y).put('wkb', pointWkb(x, y));
  return {
    schema: () => DebeziumSchemas.point(),
    parse: (t, schema) => {
      const { x, y } = parsePgPoint(t);
      return toStruct(schema, x, y);
    },
    fallback: (schema) => toStruct(schema, 0, 0),
    toast: 'none',
  };
}

/** hstore: JSON text (io.debezium.data.Json) or a MAP of string to optional string. */
export function hstoreCodec(mode: HstoreHandlingMode): ValueCodec {
  if (mode === 'json') return codec(() => DebeziumSchemas.json(), (t) => hstoreToJson(parseHstore(t)), '{}', 'hstore');
  return {
    schema: () => SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.OPTIONAL_STRING_SCHEMA),
    parse: (t) => new Map(parseHstore(t)),
    fallback: () => new Map<string, string | null>(),
    toast: 'hstore',
  };
}
