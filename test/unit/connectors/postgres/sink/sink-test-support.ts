/**
 * Scaffolding for driving the Postgres sink directly: a task context like the worker's, a capturing logger and
 * errant record reporter, and builders for flat records and Debezium change events shaped as the PostgreSQL source
 * emits them (debezium-pg reference §1.6 and §4).
 */
import {
  type ConnectorProps,
  type ErrantRecordReporter,
  Schema,
  SchemaBuilder,
  SinkRecord,
  type SinkTaskContext,
  Struct,
} from '../../../../../connect-runtime/api';
import type { PostgresSinkLogger } from '../../../../../connectors/postgres/sink';
import { quoteTable } from '../../../../../connectors/postgres/sink/identifiers';
import type { ColumnInfo, TableInfo } from '../../../../../connectors/postgres/sink/table-metadata';

export interface ReportedRecord {
  record: SinkRecord;
  error: Error;
}

/** A reporter that remembers what it was given, as the worker's does with errors.tolerance=all. */
export function capturingReporter(): ErrantRecordReporter & { reported: ReportedRecord[] } {
  const reported: ReportedRecord[] = [];
  return {
    reported,
    report: async (record, error) => {
      reported.push({ record, error });
    },
  };
}

export interface TestContext extends SinkTaskContext {
  /** The last context.timeout() the task asked for. */
  readonly timeouts: number[];
}

export function sinkContext(props: ConnectorProps, reporter: ErrantRecordReporter | null = null): TestContext {
  const timeouts: number[] = [];
  return {
    timeouts,
    configs: () => props,
    offset: () => undefined,
    timeout: (ms: number) => {
      timeouts.push(ms);
    },
    assignment: () => [],
    pause: () => undefined,
    resume: () => undefined,
    requestCommit: () => undefined,
    errantRecordReporter: () => reporter,
  };
}

export interface LogEntry {
  level: 'debug' | 'info' | 'warn';
  obj: object;
  msg: string;
}

export function capturingLogger(): PostgresSinkLogger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  return {
    entries,
    debug: (obj, msg) => entries.push({ level: 'debug', obj, msg }),
    info: (obj, msg) => entries.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => entries.push({ level: 'warn', obj, msg }),
  };
}

/** Hands out increasing offsets per topic, as a consumer would deliver them. */
export class Offsets {
  private readonly next = new Map<string, number>();

  take(topic: string): number {
    const n = this.next.get(topic) ?? 0;
    this.next.set(topic, n + 1);
    return n;
  }
}

export interface FlatRecordInit {
  topic: string;
  offset: number;
  partition?: number;
  keySchema?: Schema | null;
  key?: unknown;
  valueSchema?: Schema | null;
  value?: unknown;
}

export function flatRecord(init: FlatRecordInit): SinkRecord {
  return new SinkRecord({
    topic: init.topic,
    kafkaPartition: init.partition ?? 0,
    kafkaOffset: init.offset,
    keySchema: init.keySchema ?? null,
    key: init.key ?? null,
    valueSchema: init.valueSchema ?? null,
    value: init.value ?? null,
  });
}

/** A Struct of `schema` with the given field values (unset fields stay null). */
export function struct(schema: Schema, values: Record<string, unknown>): Struct {
  const s = new Struct(schema);
  for (const [k, v] of Object.entries(values)) s.put(k, v);
  return s;
}

/** The `source` block of Debezium's PostgreSQL connector (reference §1.4), trimmed to the fields a sink may use. */
export const SOURCE_SCHEMA = SchemaBuilder.struct()
  .name('io.debezium.connector.postgresql.Source')
  .version(1)
  .field('version', Schema.STRING_SCHEMA)
  .field('connector', Schema.STRING_SCHEMA)
  .field('name', Schema.STRING_SCHEMA)
  .field('ts_ms', Schema.INT64_SCHEMA)
  .field(
    'snapshot',
    SchemaBuilder.string().optional().name('io.debezium.data.Enum').version(1).parameter('allowed', 'true,last,false,incremental').defaultValue('false'),
  )
  .field('db', Schema.STRING_SCHEMA)
  .field('sequence', Schema.OPTIONAL_STRING_SCHEMA)
  .field('schema', Schema.STRING_SCHEMA)
  .field('table', Schema.STRING_SCHEMA)
  .field('txId', Schema.OPTIONAL_INT64_SCHEMA)
  .field('lsn', Schema.OPTIONAL_INT64_SCHEMA)
  .field('xmin', Schema.OPTIONAL_INT64_SCHEMA)
  .build();

const TRANSACTION_SCHEMA = SchemaBuilder.struct()
  .name('event.block')
  .version(1)
  .optional()
  .field('id', Schema.STRING_SCHEMA)
  .field('total_order', Schema.INT64_SCHEMA)
  .field('data_collection_order', Schema.INT64_SCHEMA)
  .build();

/** A Debezium table: its topic, key schema, `.Value` row schema and `.Envelope` schema. */
export class DebeziumTable {
  readonly topic: string;
  readonly keySchema: Schema;
  readonly rowSchema: Schema;
  readonly envelopeSchema: Schema;

  constructor(
    readonly options: { prefix: string; schema: string; table: string; db?: string; keyFields: readonly string[]; row: SchemaBuilder },
  ) {
    const base = `${options.prefix}.${options.schema}.${options.table}`;
    this.topic = base;
    this.rowSchema = options.row.name(`${base}.Value`).optional().build();
    const key = SchemaBuilder.struct().name(`${base}.Key`);
    for (const f of options.keyFields) {
      const field = this.rowSchema.field(f);
      if (field === undefined) throw new Error(`no field ${f}`);
      key.field(f, field.schema);
    }
    this.keySchema = key.build();
    this.envelopeSchema = SchemaBuilder.struct()
      .name(`${base}.Envelope`)
      .version(2)
      .field('before', this.rowSchema)
      .field('after', this.rowSchema)
      .field('source', SOURCE_SCHEMA)
      .field('transaction', TRANSACTION_SCHEMA)
      .field('op', Schema.STRING_SCHEMA)
      .field('ts_ms', Schema.OPTIONAL_INT64_SCHEMA)
      .build();
  }

  row(values: Record<string, unknown>): Struct {
    return struct(this.rowSchema, values);
  }

  key(row: Record<string, unknown>): Struct {
    const k = new Struct(this.keySchema);
    for (const f of this.keySchema.fields) k.put(f.name, row[f.name]);
    return k;
  }

  source(): Struct {
    return struct(SOURCE_SCHEMA, {
      version: '3.6.1.Final',
      connector: 'postgresql',
      name: this.options.prefix,
      ts_ms: 1714558530123,
      db: this.options.db ?? 'inventory',
      schema: this.options.schema,
      table: this.options.table,
      txId: 780,
      lsn: 24023128,
    });
  }

  /** A change event: c/r/u carry `after`, d carries `before` (key columns at least). */
  event(op: 'c' | 'r' | 'u' | 'd', row: Record<string, unknown>, offset: number, partition = 0): SinkRecord {
    const value = struct(this.envelopeSchema, {
      before: op === 'd' ? this.row(row) : null,
      after: op === 'd' ? null : this.row(row),
      source: this.source(),
      op,
      ts_ms: 1714558530456,
    });
    return new SinkRecord({
      topic: this.topic,
      kafkaPartition: partition,
      kafkaOffset: offset,
      keySchema: this.keySchema,
      key: this.key(row),
      valueSchema: this.envelopeSchema,
      value,
    });
  }

  /** The tombstone Debezium sends after a delete: same key, null value and schema. */
  tombstone(row: Record<string, unknown>, offset: number, partition = 0): SinkRecord {
    return new SinkRecord({ topic: this.topic, kafkaPartition: partition, kafkaOffset: offset, keySchema: this.keySchema, key: this.key(row) });
  }

  /** A truncate event: only `source` and `op` (reference §1.2), no key. */
  truncate(offset: number, partition = 0): SinkRecord {
    const value = struct(this.envelopeSchema, { source: this.source(), op: 't', ts_ms: 1714558530456 });
    return new SinkRecord({ topic: this.topic, kafkaPartition: partition, kafkaOffset: offset, valueSchema: this.envelopeSchema, value });
  }
}

/** Debezium's semantic-type schemas (reference §4). */
export const Dbz = {
  date: () => SchemaBuilder.int32().name('io.debezium.time.Date').version(1),
  time: () => SchemaBuilder.int32().name('io.debezium.time.Time').version(1),
  microTime: () => SchemaBuilder.int64().name('io.debezium.time.MicroTime').version(1),
  nanoTime: () => SchemaBuilder.int64().name('io.debezium.time.NanoTime').version(1),
  timestamp: () => SchemaBuilder.int64().name('io.debezium.time.Timestamp').version(1),
  microTimestamp: () => SchemaBuilder.int64().name('io.debezium.time.MicroTimestamp').version(1),
  nanoTimestamp: () => SchemaBuilder.int64().name('io.debezium.time.NanoTimestamp').version(1),
  zonedTimestamp: () => SchemaBuilder.string().name('io.debezium.time.ZonedTimestamp').version(1),
  zonedTime: () => SchemaBuilder.string().name('io.debezium.time.ZonedTime').version(1),
  microDuration: () => SchemaBuilder.int64().name('io.debezium.time.MicroDuration').version(1),
  uuid: () => SchemaBuilder.string().name('io.debezium.data.Uuid').version(1),
  json: () => SchemaBuilder.string().name('io.debezium.data.Json').version(1),
  xml: () => SchemaBuilder.string().name('io.debezium.data.Xml').version(1),
  enumeration: (allowed: string) => SchemaBuilder.string().name('io.debezium.data.Enum').version(1).parameter('allowed', allowed),
  bits: (length: number) => SchemaBuilder.bytes().name('io.debezium.data.Bits').version(1).parameter('length', String(length)),
  variableScaleDecimal: () =>
    SchemaBuilder.struct().name('io.debezium.data.VariableScaleDecimal').version(1).field('scale', Schema.INT32_SCHEMA).field('value', Schema.BYTES_SCHEMA),
};

/** Column metadata as the catalog query returns it, for tests that need no server. */
export function fakeTable(options: {
  schema?: string;
  name: string;
  /** name → internal type name; `_x` names are arrays of `x`. */
  columns: Record<string, string>;
  primaryKey?: string[];
}): TableInfo {
  const schema = options.schema ?? 'public';
  const category = (typname: string): string =>
    typname.startsWith('_') ? 'A' : /^(int[248]|numeric|float[48])$/.test(typname) ? 'N' : typname === 'text' || typname === 'varchar' ? 'S' : 'U';
  const columns = new Map<string, ColumnInfo>();
  for (const [name, typname] of Object.entries(options.columns)) {
    const element = typname.startsWith('_') ? { typname: typname.slice(1), category: category(typname.slice(1)), element: null } : null;
    columns.set(name, {
      name,
      typname,
      category: category(typname),
      element,
      declaredType: typname,
      castType: `pg_catalog.${typname}`,
      notNull: false,
      generated: false,
    });
  }
  const primaryKey = options.primaryKey ?? [];
  return {
    id: { schema, name: options.name },
    sqlName: quoteTable({ schema, name: options.name }),
    displayName: `${schema}.${options.name}`,
    columns,
    primaryKey,
    uniqueKeys: primaryKey.length > 0 ? [primaryKey] : [],
  };
}

/** The texts of a statement parameter holding a binary one-dimensional text[] (as array_recv reads it), for assertions. */
export function textArrayParam(param: unknown): (string | null)[] {
  if (!Buffer.isBuffer(param)) throw new Error(`expected a binary array parameter, got ${typeof param}`);
  const dimensions = param.readInt32BE(0);
  if (param.readInt32BE(8) !== 25) throw new Error(`expected text elements, got type ${param.readInt32BE(8)}`);
  if (dimensions === 0) return [];
  if (dimensions !== 1 || param.readInt32BE(16) !== 1) throw new Error('expected one dimension with lower bound 1');
  const out: (string | null)[] = [];
  let at = 20;
  for (let i = param.readInt32BE(12); i > 0; i--) {
    const length = param.readInt32BE(at);
    at += 4;
    if (length < 0) {
      out.push(null);
      continue;
    }
    out.push(param.toString('utf8', at, at + length));
    at += length;
  }
  if (at !== param.length) throw new Error(`${param.length - at} bytes after the last element`);
  return out;
}
