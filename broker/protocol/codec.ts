/**
 * One codec for every Kafka message: a schema (schema.ts) is compiled once per version into a reader
 * and a writer made of small closures, so the per-request cost is a walk over precomputed field
 * operations with no version checks left. Decoded messages are plain objects keyed by the schema's
 * camelCase field names; fields absent from a version decode to their schema default.
 */
import { inRange, parseVersions, type FieldSchema, type MessageSchema, type PrimitiveType } from './schema';
import { MalformedMessageError, Reader, Writer } from './primitives';

/* eslint-disable @typescript-eslint/no-explicit-any -- decoded messages are schema-shaped plain objects */
export type Message = Record<string, any>;

export interface MessageCodec {
  read(r: Reader): Message;
  write(w: Writer, msg: Message): void;
}

type ReadValue = (r: Reader) => unknown;
type WriteValue = (w: Writer, v: any) => void;

interface FieldOp {
  name: string;
  read: ReadValue;
  write: WriteValue;
  defaultValue: () => unknown;
}

interface TaggedOp extends FieldOp {
  tag: number;
}

function defaultOf(field: FieldSchema, nullable: boolean): () => unknown {
  const d = field.default;
  if (field.type === 'array') return d === 'null' && nullable ? () => null : () => [];
  if (field.type === 'struct') return () => null;
  if (d === 'null') return () => null;
  switch (field.type) {
    case 'bool':
      return d === 'true' ? () => true : () => false;
    case 'string': {
      const s = d ?? '';
      return () => s;
    }
    case 'bytes':
    case 'records':
      return nullable ? () => null : () => Buffer.alloc(0);
    case 'uuid':
      return () => Buffer.alloc(16);
    default: {
      const n = d === undefined ? 0 : Number(d);
      return () => n;
    }
  }
}

function primitiveOps(type: PrimitiveType, compact: boolean, nullable: boolean): { read: ReadValue; write: WriteValue } {
  switch (type) {
    case 'bool':
      return { read: (r) => r.bool(), write: (w, v) => w.bool(Boolean(v)) };
    case 'int8':
      return { read: (r) => r.int8(), write: (w, v) => w.int8(v ?? 0) };
    case 'int16':
      return { read: (r) => r.int16(), write: (w, v) => w.int16(v ?? 0) };
    case 'uint16':
      return { read: (r) => r.uint16(), write: (w, v) => w.uint16(v ?? 0) };
    case 'int32':
      return { read: (r) => r.int32(), write: (w, v) => w.int32(v ?? 0) };
    case 'uint32':
      return { read: (r) => r.uint32(), write: (w, v) => w.uint32(v ?? 0) };
    case 'int64':
      return { read: (r) => r.int64(), write: (w, v) => w.int64(v ?? 0) };
    case 'float64':
      return { read: (r) => r.float64(), write: (w, v) => w.float64(v ?? 0) };
    case 'uuid':
      return { read: (r) => r.uuid(), write: (w, v) => w.raw(v ?? Buffer.alloc(16)) };
    case 'string':
      return {
        read: (r) => r.string(compact, nullable),
        write: (w, v) => w.string(v ?? (nullable ? null : ''), compact),
      };
    case 'bytes':
    case 'records':
      return {
        read: (r) => r.bytes(compact, nullable),
        write: (w, v) => w.bytes(v ?? (nullable ? null : Buffer.alloc(0)), compact),
      };
  }
}

function arrayOps(element: { read: ReadValue; write: WriteValue }, compact: boolean, nullable: boolean, name: string) {
  const read: ReadValue = (r) => {
    const n = r.length('array', compact);
    if (n < 0) {
      if (nullable) return null;
      throw new MalformedMessageError(`non-nullable array ${name} has length ${n}`);
    }
    if (n > r.remaining) throw new MalformedMessageError(`array ${name} declares ${n} elements but only ${r.remaining} bytes remain`);
    const out = new Array(n);
    for (let i = 0; i < n; i++) out[i] = element.read(r);
    return out;
  };
  const write: WriteValue = (w, v) => {
    if (v === null || v === undefined) {
      if (nullable && v === null) {
        w.length_('array', compact, -1);
        return;
      }
      w.length_('array', compact, 0);
      return;
    }
    w.length_('array', compact, v.length);
    for (const item of v) element.write(w, item);
  };
  return { read, write };
}

interface StructCompileContext {
  version: number;
  flexible: boolean;
}

function fieldValueOps(field: FieldSchema, ctx: StructCompileContext): { read: ReadValue; write: WriteValue } {
  const flexibleOverride = field.flexibleVersions !== undefined ? inRange(parseVersions(field.flexibleVersions), ctx.version) : undefined;
  const compact = flexibleOverride ?? ctx.flexible;
  const nullable = inRange(parseVersions(field.nullableVersions), ctx.version);
  if (field.type === 'array') {
    const element = field.items
      ? primitiveOps(field.items, compact, false)
      : compileStruct(field.fields ?? [], ctx);
    return arrayOps(element, compact, nullable, field.name);
  }
  if (field.type === 'struct') {
    const struct = compileStruct(field.fields ?? [], ctx);
    return { read: (r) => struct.read(r), write: (w, v) => struct.write(w, v ?? {}) };
  }
  return primitiveOps(field.type, compact, nullable);
}

function compileStruct(fields: FieldSchema[], ctx: StructCompileContext): MessageCodec {
  const regular: FieldOp[] = [];
  const tagged: TaggedOp[] = [];
  const absent: FieldOp[] = [];
  for (const field of fields) {
    const nullable = inRange(parseVersions(field.nullableVersions), ctx.version);
    const op: FieldOp = { name: field.name, read: () => undefined, write: () => undefined, defaultValue: defaultOf(field, nullable) };
    if (!inRange(parseVersions(field.versions), ctx.version)) {
      absent.push(op);
      continue;
    }
    Object.assign(op, fieldValueOps(field, ctx));
    const isTagged = field.tag !== undefined && inRange(parseVersions(field.taggedVersions), ctx.version);
    if (isTagged && ctx.flexible) tagged.push({ ...op, tag: field.tag as number });
    else if (!isTagged) regular.push(op);
    else absent.push(op);
  }
  tagged.sort((a, b) => a.tag - b.tag);
  const taggedByTag = new Map(tagged.map((t) => [t.tag, t]));

  const read = (r: Reader): Message => {
    const out: Message = {};
    for (const op of regular) out[op.name] = op.read(r);
    for (const op of absent) out[op.name] = op.defaultValue();
    if (ctx.flexible) {
      for (const op of tagged) out[op.name] = op.defaultValue();
      r.skipTaggedFields((tag, reader) => {
        const op = taggedByTag.get(tag);
        if (!op) return false;
        out[op.name] = op.read(reader);
        return true;
      });
    }
    return out;
  };

  const write = (w: Writer, msg: Message): void => {
    for (const op of regular) op.write(w, msg[op.name]);
    if (!ctx.flexible) return;
    const present = tagged.filter((op) => isSet(msg[op.name], op.defaultValue()));
    w.uvarint(present.length);
    for (const op of present) {
      const inner = new Writer(64);
      op.write(inner, msg[op.name]);
      w.uvarint(op.tag).uvarint(inner.length).raw(inner.toBuffer());
    }
  };

  return { read, write };
}

/** A tagged field is written only when it carries something other than its default. */
function isSet(value: unknown, defaultValue: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.length > 0;
  return value !== defaultValue;
}

const cache = new WeakMap<MessageSchema, Map<number, MessageCodec>>();

/** The codec of `schema` at `version` (compiled once, then cached). */
export function codecFor(schema: MessageSchema, version: number): MessageCodec {
  let perVersion = cache.get(schema);
  if (!perVersion) {
    perVersion = new Map();
    cache.set(schema, perVersion);
  }
  let codec = perVersion.get(version);
  if (!codec) {
    const valid = parseVersions(schema.validVersions);
    if (!inRange(valid, version)) throw new MalformedMessageError(`${schema.name} has no version ${version}`);
    const flexible = inRange(parseVersions(schema.flexibleVersions), version);
    codec = compileStruct(schema.fields, { version, flexible });
    perVersion.set(version, codec);
  }
  return codec;
}

export function isFlexible(schema: MessageSchema, version: number): boolean {
  return inRange(parseVersions(schema.flexibleVersions), version);
}

export function decode(schema: MessageSchema, version: number, buf: Buffer, start = 0): Message {
  return codecFor(schema, version).read(new Reader(buf, start));
}

export function encode(schema: MessageSchema, version: number, msg: Message): Buffer {
  const w = new Writer();
  codecFor(schema, version).write(w, msg);
  return w.toBuffer();
}
