/**
 * The type mapping: a column's type OID and modifier → the codec that gives its Debezium schema and values, or a
 * clear "unsupported" answer so the caller can drop the column with a warning (Debezium's behaviour unless
 * `include.unknown.datatypes`, which keeps such columns as raw text bytes).
 */
import { SchemaBuilder } from '../../../connect-runtime/api';
import {
  bitsCodec,
  boolCodec,
  byteaCodec,
  float32Codec,
  float64Codec,
  hstoreCodec,
  int16Codec,
  int32Codec,
  int64Codec,
  moneyCodec,
  numericCodec,
  pointCodec,
  rawTextCodec,
  textCodec,
} from './codecs-basic';
import { dateCodec, intervalCodec, timeCodec, timestampCodec, timestamptzCodec, timetzCodec } from './codecs-temporal';
import { DebeziumSchemas } from './debezium-schemas';
import type { ValueMappingOptions } from './events-options';
import type { PgTypeDescriptor, PgTypeLookup } from './pg-column';
import { builtinArrayElement, builtinTypeName, PgOid } from './pg-type-oids';
import { columnLength, columnScale, VARIABLE_NUMERIC_LENGTH } from './pg-typmod';
import { parseFlatArrayLiteral } from './text-array-literal';
import type { ToastShape, ValueCodec } from './value-codec';

export type CodecResolution =
  | { supported: true; codec: ValueCodec; typeName: string }
  | { supported: false; typeName: string; reason: string };

export interface ResolveCodecArgs {
  oid: number;
  typeModifier: number;
  options: ValueMappingOptions;
  types?: PgTypeLookup;
}

/** Built-in array types Debezium has no schema for; their columns are dropped even with include.unknown.datatypes. */
const UNSUPPORTED_ARRAYS: ReadonlySet<number> = new Set([791, 1003, 1187, 1561, 1563, 143, 1017, 2201]);

const TEXT_TYPES: ReadonlySet<number> = new Set([
  PgOid.CHAR, PgOid.NAME, PgOid.TEXT, PgOid.BPCHAR, PgOid.VARCHAR, PgOid.INET, PgOid.CIDR, PgOid.MACADDR, PgOid.MACADDR8,
  PgOid.INT4RANGE, PgOid.NUMRANGE, PgOid.INT8RANGE, PgOid.TSRANGE, PgOid.TSTZRANGE, PgOid.DATERANGE,
]);

/** Extension types Debezium recognises by name. */
function namedTypeCodec(name: string, options: ValueMappingOptions): ValueCodec | undefined {
  switch (name) {
    case 'hstore':
      return hstoreCodec(options.hstoreHandlingMode);
    case 'ltree':
      return textCodec(() => DebeziumSchemas.ltree());
    case 'citext':
    case 'isbn':
      return textCodec();
    default:
      return undefined;
  }
}

function builtinCodec(oid: number, typeModifier: number, options: ValueMappingOptions): ValueCodec | undefined {
  if (TEXT_TYPES.has(oid)) return textCodec();
  const precision = columnScale(oid, typeModifier);
  switch (oid) {
    case PgOid.BOOL:
      return boolCodec;
    case PgOid.INT2:
      return int16Codec;
    case PgOid.INT4:
      return int32Codec;
    case PgOid.INT8:
    case PgOid.OID:
      return int64Codec;
    case PgOid.FLOAT4:
      return float32Codec;
    case PgOid.FLOAT8:
      return float64Codec;
    case PgOid.NUMERIC: {
      const length = columnLength(oid, typeModifier);
      const scale = columnScale(oid, typeModifier);
      const variableScale = (length === 0 || length === VARIABLE_NUMERIC_LENGTH) && scale === 0;
      return numericCodec({ mode: options.decimalHandlingMode, precision: length, scale, variableScale });
    }
    case PgOid.MONEY:
      return moneyCodec(options.decimalHandlingMode, options.moneyFractionDigits);
    case PgOid.JSON:
    case PgOid.JSONB:
      return textCodec(() => DebeziumSchemas.json());
    case PgOid.XML:
      return textCodec(() => DebeziumSchemas.xml());
    case PgOid.UUID:
      return textCodec(() => DebeziumSchemas.uuid());
    case PgOid.TSVECTOR:
      return textCodec(() => DebeziumSchemas.tsvector());
    case PgOid.BYTEA:
      return byteaCodec(options.binaryHandlingMode);
    case PgOid.BIT:
    case PgOid.VARBIT:
      return bitsCodec(columnLength(oid, typeModifier));
    case PgOid.DATE:
      return dateCodec(options.timePrecisionMode);
    case PgOid.TIME:
      return timeCodec(options.timePrecisionMode, precision);
    case PgOid.TIMESTAMP:
      return timestampCodec(options.timePrecisionMode, precision);
    case PgOid.TIMESTAMPTZ:
      return timestamptzCodec(precision);
    case PgOid.TIMETZ:
      return timetzCodec();
    case PgOid.INTERVAL:
      return intervalCodec(options.intervalHandlingMode);
    case PgOid.POINT:
      return pointCodec();
    default:
      return undefined;
  }
}

function arrayToastShape(elementOid: number): ToastShape {
  switch (elementOid) {
    case PgOid.TEXT:
    case PgOid.VARCHAR:
    case PgOid.BPCHAR:
    case PgOid.JSON:
    case PgOid.JSONB:
      return 'text-array';
    case PgOid.BYTEA:
      return 'bytes-array';
    case PgOid.INT4:
    case PgOid.DATE:
    case PgOid.INT8:
      return 'int-array';
    case PgOid.UUID:
      return 'uuid-array';
    default:
      return 'none';
  }
}

function arrayCodec(element: ValueCodec, elementOid: number, optionalElements: boolean): ValueCodec {
  return {
    schema: () => SchemaBuilder.array(optionalElements ? element.schema().optional().build() : element.schema().build()),
    parse: (text, schema) => {
      const elementSchema = schema.valueSchema;
      return parseFlatArrayLiteral(text).map((e) => (e === null ? null : element.parse(e, elementSchema)));
    },
    fallback: () => [],
    toast: arrayToastShape(elementOid),
  };
}

interface Resolved {
  oid: number;
  typeModifier: number;
  descriptor: PgTypeDescriptor | undefined;
}

/** Follows domains to their root type; the first modifier that is set wins, as for the JDBC column metadata. */
function rootType(oid: number, typeModifier: number, types: PgTypeLookup | undefined): Resolved {
  let current: Resolved = { oid, typeModifier, descriptor: builtinTypeName(oid) === undefined ? types?.(oid) : undefined };
  for (let depth = 0; current.descriptor?.kind === 'domain' && depth < 32; depth++) {
    const base = current.descriptor;
    const modifier = current.typeModifier !== -1 ? current.typeModifier : base.baseTypeModifier;
    current = { oid: base.baseOid, typeModifier: modifier, descriptor: builtinTypeName(base.baseOid) === undefined ? types?.(base.baseOid) : undefined };
  }
  return current;
}

function typeNameOf(r: Resolved): string {
  return builtinTypeName(r.oid) ?? r.descriptor?.name ?? `oid ${r.oid}`;
}

/** Resolves a scalar (non-array) type to its codec, or undefined when Debezium has no mapping for it. */
function scalarCodec(r: Resolved, options: ValueMappingOptions): ValueCodec | undefined {
  if (r.descriptor === undefined) return builtinCodec(r.oid, r.typeModifier, options);
  switch (r.descriptor.kind) {
    case 'enum': {
      const labels = r.descriptor.labels;
      return textCodec(() => DebeziumSchemas.enumeration(labels));
    }
    case 'base':
      return namedTypeCodec(r.descriptor.name, options);
    default:
      return undefined;
  }
}

/** The codec of a column type, or why there is none. */
export function resolveCodec(args: ResolveCodecArgs): CodecResolution {
  const { options, types } = args;
  const root = rootType(args.oid, args.typeModifier, types);
  const typeName = typeNameOf(root);
  const unknown = (reason: string): CodecResolution =>
    options.includeUnknownDatatypes
      ? { supported: true, codec: rawTextCodec(options.binaryHandlingMode), typeName }
      : { supported: false, typeName, reason };

  const builtinElement = builtinArrayElement(root.oid);
  const elementOid = builtinElement ?? (root.descriptor?.kind === 'array' ? root.descriptor.elementOid : undefined);
  if (elementOid !== undefined) {
    if (UNSUPPORTED_ARRAYS.has(root.oid)) return { supported: false, typeName, reason: `Debezium has no schema for ${typeName} columns` };
    const element = rootType(elementOid, root.typeModifier, types);
    const elementCodec = scalarCodec(element, options);
    if (elementCodec === undefined) return unknown(`unknown array element type ${typeNameOf(element)}`);
    // Debezium declares enum array elements required; all other element schemas are optional.
    return { supported: true, codec: arrayCodec(elementCodec, element.oid, element.descriptor?.kind !== 'enum'), typeName };
  }
  const codec = scalarCodec(root, options);
  return codec === undefined ? unknown(`unknown data type ${typeName}`) : { supported: true, codec, typeName };
}

