/**
 * A change-event attribute named in ExtractNewRecordState's `add.fields` or `add.headers`, e.g. `op`, `table`,
 * `source.ts_ms`, or `lsn:commit_lsn` (renamed). An unqualified name is looked up where Debezium puts it: `op` and
 * `ts_ms`/`ts_us`/`ts_ns` at the top of the envelope, `id`/`total_order`/`data_collection_order` in `transaction`,
 * anything else in `source`. The new name is the prefix plus the name, `<struct>_<name>` for a qualified one
 * (`__source_ts_ms`), or the prefix plus the given new name.
 */
import { ConfigError, type Schema, Struct } from '../api';
import { optionalCopy } from './schema-util';

const TOP_LEVEL = new Set(['op', 'ts_ms', 'ts_us', 'ts_ns']);
const TRANSACTION_FIELDS = new Set(['id', 'total_order', 'data_collection_order']);

function hostOf(field: string): string | null {
  if (TOP_LEVEL.has(field)) return null;
  if (TRANSACTION_FIELDS.has(field)) return 'transaction';
  return field === 'updateDescription' ? 'updateDescription' : 'source';
}

export class FieldReference {
  private constructor(
    /** The struct holding the attribute (`source`, `transaction`), or null for the envelope itself. */
    readonly struct: string | null,
    readonly field: string,
    readonly newField: string,
  ) {}

  static parse(prefix: string, spec: string): FieldReference {
    const parts = spec.split(':');
    while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
    if (parts.length > 2) throw new ConfigError(`Unexpected field name: ${spec}`);
    const path = (parts[0] as string).split('.');
    const field = (path.length === 1 ? path[0] : path[1]) as string;
    const struct = path.length === 1 ? hostOf(field) : (path[0] as string);
    const defaultName = path.length === 1 ? field : `${struct}_${field}`;
    return new FieldReference(struct, field, prefix + (parts.length === 2 ? (parts[1] as string) : defaultName));
  }

  /** Parses a list of references (empty entries ignored). */
  static parseAll(prefix: string, specs: readonly string[]): FieldReference[] {
    return specs.map((s) => s.trim()).filter((s) => s !== '').map((s) => FieldReference.parse(prefix, s));
  }

  /** The schema of the attribute, made optional, or undefined when the envelope has no such attribute. */
  schemaIn(envelope: Schema): Schema | undefined {
    const host = this.struct === null ? envelope : envelope.field(this.struct)?.schema;
    // Another transformation may have put the attribute at the top of the envelope.
    const field = (host?.type === 'STRUCT' ? host.field(this.field) : undefined) ?? envelope.field(this.field);
    return field === undefined ? undefined : optionalCopy(field.schema);
  }

  /** The attribute's value in an envelope, without schema defaults applied (null when absent). */
  valueIn(envelope: Struct): unknown {
    const host = this.struct === null ? envelope : envelope.schema.field(this.struct) === undefined ? null : envelope.getWithoutDefault(this.struct);
    if (!(host instanceof Struct)) return null;
    if (host.schema.field(this.field) !== undefined) return host.getWithoutDefault(this.field);
    return envelope.schema.field(this.field) !== undefined ? envelope.getWithoutDefault(this.field) : null;
  }
}
