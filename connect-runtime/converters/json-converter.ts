/**
 * JsonConverter (org.apache.kafka.connect.json.JsonConverter): Connect data as JSON, byte-compatible with Kafka's.
 *
 * With `schemas.enable=true` (the default) every value travels in an envelope `{"schema":...,"payload":...}`;
 * with false the bare JSON value is written and values are read without schema (objects become string-keyed maps,
 * integers INT64, other numbers FLOAT64).
 *
 * 64-bit integers are exact in both directions: INT64 values may be bigints and are written with all their
 * digits; JSON integers beyond Number.MAX_SAFE_INTEGER are read as bigints (smaller ones as numbers). Decimals are
 * written as base64 of the unscaled two's-complement bytes (`decimal.format=BASE64`) or as JSON numbers with every
 * digit (`NUMERIC`) and are always read exactly.
 *
 * Hot-path notes: records are written as UTF-8 straight into slabs of a JsonOutput (json-text.ts), the envelope
 * head as bytes cached per schema object and Struct payloads along per-schema plans (json-data-writer.ts); plain
 * JavaScript values without schema go through JSON.stringify. When reading, JSON.parse reads whatever it can read
 * exactly (no integer beyond 2^53; no fraction where a NUMERIC decimal needs its written digits); envelopes whose
 * schema text was seen before skip schema parsing (an LRU of `schemas.cache.size` entries keyed by the schema's JSON
 * text, plus an in-place check against the last one), and their payload is then read straight along the schema
 * (json-payload-reader.ts), which either gives exactly what parsing and converting would or leaves the payload to
 * them.
 *
 * Reading is stricter than Kafka where Kafka silently coerces (a string where an INT32 belongs is a DataError
 * naming the field, not 0) and a little more lenient where exactness is not at stake (an integral JSON number
 * written as `5.0` is accepted for INT and Date/Time fields).
 */
import { AbstractConfig } from '../api/abstract-config';
import type { ConfigDef } from '../api/config-def';
import { CaseInsensitiveValidString } from '../api/config-validators';
import { type Converter, type ConverterConfigs, converterConfigDef, type HeaderConverter } from '../api/converter';
import { DataError } from '../api/errors';
import type { ConnectHeaders } from '../api/headers';
import { DECIMAL_LOGICAL_NAME, type Schema } from '../api/schema';
import { SchemaAndValue } from '../api/schema-and-value';
import { JsonDataReader } from './json-data-reader';
import { type DecimalFormat, JsonDataWriter } from './json-data-writer';
import { type JsonNode, JsonSyntaxError, parseJson, skipJsonValue } from './json-parser';
import { JsonPayloadReader, NOT_READ } from './json-payload-reader';
import { isPlainJson, JsonOutput, stringifyPlain } from './json-text';

export const JSON_CONVERTER_CLASS = 'org.apache.kafka.connect.json.JsonConverter';

export const JsonConverterConfigKeys = {
  SCHEMAS_ENABLE: 'schemas.enable',
  SCHEMAS_CACHE_SIZE: 'schemas.cache.size',
  DECIMAL_FORMAT: 'decimal.format',
  REPLACE_NULL_WITH_DEFAULT: 'replace.null.with.default',
} as const;

/** The JsonConverter's settings (Kafka's JsonConverterConfig). */
export function jsonConverterConfigDef(): ConfigDef {
  return converterConfigDef()
    .define({
      name: JsonConverterConfigKeys.SCHEMAS_ENABLE, type: 'BOOLEAN', default: true, importance: 'HIGH',
      documentation: 'Whether serialized keys and values carry their schema in a {"schema":...,"payload":...} envelope.',
      group: 'Schemas', orderInGroup: 0, width: 'MEDIUM', displayName: 'Enable Schemas',
    })
    .define({
      name: JsonConverterConfigKeys.SCHEMAS_CACHE_SIZE, type: 'INT', default: 1000, importance: 'HIGH',
      documentation: 'How many schemas this converter instance keeps in its cache.',
      group: 'Schemas', orderInGroup: 1, width: 'MEDIUM', displayName: 'Schema Cache Size',
    })
    .define({
      name: JsonConverterConfigKeys.DECIMAL_FORMAT, type: 'STRING', default: 'BASE64',
      validator: CaseInsensitiveValidString.in('BASE64', 'NUMERIC'), importance: 'LOW',
      documentation: "How decimals are serialized, case-insensitive: 'BASE64' (the default) or 'NUMERIC'.",
      group: 'Serialization', orderInGroup: 0, width: 'MEDIUM', displayName: 'Decimal Format',
    })
    .define({
      name: JsonConverterConfigKeys.REPLACE_NULL_WITH_DEFAULT, type: 'BOOLEAN', default: true, importance: 'LOW',
      documentation: 'Whether a null field whose schema has a default is written and read as that default (true) or as null (false).',
      group: 'Serialization', orderInGroup: 1, width: 'MEDIUM', displayName: 'Replace null with default',
    });
}

const ENVELOPE_REQUIRED =
  'JsonConverter with schemas.enable requires "schema" and "payload" fields and may not contain additional fields. ' +
  'If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.';

const ENVELOPE_HEAD = /^[ \t\r\n]*\{[ \t\r\n]*"schema"[ \t\r\n]*:[ \t\r\n]*/;
const PAYLOAD_KEY = /[ \t\r\n]*,[ \t\r\n]*"payload"[ \t\r\n]*:/y;

export class JsonConverter implements Converter, HeaderConverter {
  private schemasEnabled = true;
  private cacheSize = 1000;
  private writer = new JsonDataWriter({ decimalFormat: 'BASE64', replaceNullWithDefault: true });
  private reader = new JsonDataReader({ replaceNullWithDefault: true });
  private payloadReader = new JsonPayloadReader({ replaceNullWithDefault: true });
  private schemaCache = new Map<string, Schema | null>();
  private lastSchemaText: string | undefined;
  private lastSchema: Schema | null | undefined;
  /** UTF-8 of `{"schema":<lastSchemaText>,"payload":`, the exact head of the envelopes this converter writes. */
  private lastPrefix: Buffer | undefined;
  private envelopeHeads = new WeakMap<Schema, Buffer>();
  private lastHeadSchema: Schema | undefined;
  private lastHead: Buffer = NULL_SCHEMA_HEAD;
  private readonly output = new JsonOutput();
  private readonly fractionSensitive = new WeakMap<Schema, boolean>();

  config(): ConfigDef {
    return jsonConverterConfigDef();
  }

  /**
   * Applies the settings. `isKey` sets `converter.type` to key or value; without it (header converter use)
   * `converter.type` is taken from the settings and defaults to header.
   */
  configure(configs: ConverterConfigs, isKey?: boolean): void {
    const type = isKey === undefined ? (configs['converter.type'] ?? 'header') : isKey ? 'key' : 'value';
    const config = new AbstractConfig(jsonConverterConfigDef(), { ...configs, 'converter.type': type });
    this.schemasEnabled = config.getBoolean(JsonConverterConfigKeys.SCHEMAS_ENABLE) ?? true;
    this.cacheSize = config.getInt(JsonConverterConfigKeys.SCHEMAS_CACHE_SIZE) ?? 1000;
    const decimalFormat = (config.getString(JsonConverterConfigKeys.DECIMAL_FORMAT) ?? 'BASE64').toUpperCase() as DecimalFormat;
    const replaceNullWithDefault = config.getBoolean(JsonConverterConfigKeys.REPLACE_NULL_WITH_DEFAULT) ?? true;
    this.writer = new JsonDataWriter({ decimalFormat, replaceNullWithDefault });
    this.reader = new JsonDataReader({ replaceNullWithDefault });
    this.payloadReader = new JsonPayloadReader({ replaceNullWithDefault });
    this.schemaCache = new Map();
    this.envelopeHeads = new WeakMap();
    this.lastHeadSchema = undefined;
    this.lastSchemaText = undefined;
    this.lastSchema = undefined;
    this.lastPrefix = undefined;
  }

  fromConnectData(_topic: string, _headers: ConnectHeaders | null, schema: Schema | null, value: unknown): Buffer | null {
    if (schema === null && (value === null || value === undefined)) return null;
    const out = this.output;
    out.begin();
    try {
      if (!this.schemasEnabled) {
        this.writePayload(schema, value);
      } else {
        out.writeBytes(this.envelopeHead(schema));
        this.writePayload(schema, value);
        out.writeByte(125);
      }
    } catch (err) {
      throw describeFieldError(err);
    }
    return out.finish();
  }

  toConnectData(_topic: string, _headers: ConnectHeaders | null, value: Buffer | null): SchemaAndValue {
    if (value === null) return SchemaAndValue.NULL;
    try {
      if (this.schemasEnabled) {
        const fast = this.fromLastEnvelopeBytes(value);
        if (fast) return fast;
      }
      const text = value.toString('utf8');
      if (!this.schemasEnabled) {
        const node = parseJson(text, false);
        return node === undefined || node === null ? SchemaAndValue.NULL : new SchemaAndValue(null, node);
      }
      return this.fromEnvelope(text);
    } catch (err) {
      throw describeFieldError(err);
    }
  }

  fromConnectHeader(topic: string, _headerKey: string, schema: Schema | null, value: unknown): Buffer | null {
    return this.fromConnectData(topic, null, schema, value);
  }

  toConnectHeader(topic: string, _headerKey: string, value: Buffer | null): SchemaAndValue {
    return this.toConnectData(topic, null, value);
  }

  /** The schema's JSON form (Kafka's asJsonSchema), e.g. for tools that display schemas. */
  asJsonSchema(schema: Schema | null): string {
    return this.writer.schemaJson(schema);
  }

  private writePayload(schema: Schema | null, value: unknown): void {
    if (schema === null && isPlainJson(value)) this.output.writeText(stringifyPlain(value));
    else this.writer.write(this.output, schema, value);
  }

  /** UTF-8 of `{"schema":<schema JSON>,"payload":`, made once per schema object. */
  private envelopeHead(schema: Schema | null): Buffer {
    if (schema === null) return NULL_SCHEMA_HEAD;
    // Most records have the schema of the record before: one comparison instead of a WeakMap lookup.
    if (schema === this.lastHeadSchema) return this.lastHead;
    let head = this.envelopeHeads.get(schema);
    if (head === undefined) {
      head = Buffer.from(`{"schema":${this.writer.schemaJson(schema)},"payload":`, 'utf8');
      this.envelopeHeads.set(schema, head);
    }
    this.lastHeadSchema = schema;
    this.lastHead = head;
    return head;
  }

  private fromEnvelope(text: string): SchemaAndValue {
    const fast = this.fromCanonicalEnvelope(text);
    if (fast) return fast;
    const node = parseJson(text, true);
    if (
      node === null || node === undefined || typeof node !== 'object' || Array.isArray(node) ||
      Object.keys(node).length !== 2 || !hasOwn(node, 'schema') || !hasOwn(node, 'payload')
    ) {
      throw new DataError(ENVELOPE_REQUIRED);
    }
    const envelope = node as { [key: string]: JsonNode };
    const schema = this.reader.toSchema(envelope['schema']);
    return new SchemaAndValue(schema, this.reader.value(schema, envelope['payload']));
  }

  /**
   * The commonest case of all: the bytes start exactly with the envelope head of the last schema seen, as written by
   * this converter (no whitespace). Only the payload is decoded and parsed. Anything else returns undefined.
   */
  private fromLastEnvelopeBytes(value: Buffer): SchemaAndValue | undefined {
    const prefix = this.lastPrefix;
    const schema = this.lastSchema;
    if (prefix === undefined || schema === undefined || value.length <= prefix.length) return undefined;
    if (value.compare(prefix, 0, prefix.length, 0, prefix.length) !== 0) return undefined;
    let end = value.length - 1;
    while (end > prefix.length && isWhitespace(value[end] as number)) end--;
    if (value[end] !== 125) return undefined;
    // Both ends of the payload are ASCII bytes, so decoding just that range equals decoding all and slicing.
    const text = value.toString('utf8', prefix.length, end);
    return this.fromPayload(schema, text);
  }

  /**
   * The value of a payload whose schema is known: read along the schema when the fast reader can (it returns the
   * general path's value or declines, see json-payload-reader.ts), else parsed and converted. Undefined (general
   * path on the whole envelope) for an empty payload or malformed JSON.
   */
  private fromPayload(schema: Schema | null, text: string): SchemaAndValue | undefined {
    if (schema !== null) {
      const read = this.payloadReader.read(schema, text);
      if (read !== NOT_READ) return new SchemaAndValue(schema, read);
    }
    try {
      const payload = parseJson(text, schema !== null && this.needsExactFractions(schema));
      if (payload === undefined) return undefined;
      return new SchemaAndValue(schema, schema === null ? payload : this.reader.value(schema, payload));
    } catch (err) {
      // Malformed JSON is reported by the general path, with the whole text.
      if (err instanceof JsonSyntaxError) return undefined;
      throw err;
    }
  }

  /**
   * The common case `{"schema":S,"payload":P}` in that order: S is looked up in the schema cache by its text and
   * only P is parsed. Anything unusual returns undefined and goes through the general path.
   */
  private fromCanonicalEnvelope(text: string): SchemaAndValue | undefined {
    const head = ENVELOPE_HEAD.exec(text);
    if (!head) return undefined;
    const schemaStart = head[0].length;
    // Most streams repeat one schema: compare in place with the last schema text before scanning and slicing.
    const last = this.lastSchemaText;
    let schemaEnd = -1;
    let sameAsLast = false;
    if (last !== undefined && text.startsWith(last, schemaStart)) {
      PAYLOAD_KEY.lastIndex = schemaStart + last.length;
      sameAsLast = PAYLOAD_KEY.test(text);
      if (sameAsLast) schemaEnd = schemaStart + last.length;
    }
    if (schemaEnd < 0) {
      schemaEnd = skipJsonValue(text, schemaStart);
      if (schemaEnd < 0) return undefined;
      PAYLOAD_KEY.lastIndex = schemaEnd;
      if (!PAYLOAD_KEY.test(text)) return undefined;
    }
    const payloadStart = PAYLOAD_KEY.lastIndex;
    let end = text.length - 1;
    while (end > payloadStart && isWhitespace(text.charCodeAt(end))) end--;
    if (text.charCodeAt(end) !== 125) return undefined;
    let schema: Schema | null;
    try {
      schema = sameAsLast && this.lastSchema !== undefined ? this.lastSchema : this.cachedSchema(text.slice(schemaStart, schemaEnd));
    } catch (err) {
      // A malformed envelope (e.g. an extra field after the payload) is reported by the general path.
      if (err instanceof JsonSyntaxError) return undefined;
      throw err;
    }
    return this.fromPayload(schema, text.slice(payloadStart, end));
  }

  private cachedSchema(schemaText: string): Schema | null {
    const hit = this.schemaCache.get(schemaText);
    if (hit !== undefined) {
      this.schemaCache.delete(schemaText);
      this.schemaCache.set(schemaText, hit);
      this.rememberLast(schemaText, hit);
      return hit;
    }
    const schema = this.reader.toSchema(parseJson(schemaText, true));
    this.rememberLast(schemaText, schema);
    if (this.cacheSize > 0) {
      this.schemaCache.set(schemaText, schema);
      if (this.schemaCache.size > this.cacheSize) {
        const oldest = this.schemaCache.keys().next();
        if (!oldest.done) this.schemaCache.delete(oldest.value);
      }
    }
    return schema;
  }

  private rememberLast(schemaText: string, schema: Schema | null): void {
    if (this.cacheSize <= 0) return;
    if (this.lastSchemaText !== schemaText) this.lastPrefix = Buffer.from(`{"schema":${schemaText},"payload":`, 'utf8');
    this.lastSchemaText = schemaText;
    this.lastSchema = schema;
  }

  /**
   * Whether payload numbers must keep their written text: only NUMERIC-encoded decimals need it (for their exact
   * digits and scale). Other schemas read fractions as doubles, so the payload can go through JSON.parse.
   */
  private needsExactFractions(schema: Schema): boolean {
    let needs = this.fractionSensitive.get(schema);
    if (needs === undefined) {
      needs = containsDecimal(schema);
      this.fractionSensitive.set(schema, needs);
    }
    return needs;
  }
}

const NULL_SCHEMA_HEAD = Buffer.from('{"schema":null,"payload":', 'utf8');

function containsDecimal(schema: Schema): boolean {
  if (schema.name === DECIMAL_LOGICAL_NAME) return true;
  switch (schema.type) {
    case 'ARRAY':
      return containsDecimal(schema.valueSchema);
    case 'MAP':
      return containsDecimal(schema.keySchema) || containsDecimal(schema.valueSchema);
    case 'STRUCT':
      return schema.fields.some((f) => containsDecimal(f.schema));
    default:
      return false;
  }
}

function hasOwn(node: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(node, key);
}

function isWhitespace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** Adds the field path to a DataError's message once, at the top. */
function describeFieldError(err: unknown): unknown {
  if (err instanceof DataError && err.field !== undefined) {
    return new DataError(`${err.message} (field "${err.field}")`, { field: err.field, cause: err.cause ?? err });
  }
  return err;
}
