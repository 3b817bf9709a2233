/** Test support: Connect data as the JsonConverter writes it, and the worked example's table from the reference. */
import type { Schema } from '../../../../../connect-runtime/api';
import { JsonConverter } from '../../../../../connect-runtime/converters';
import {
  DEFAULT_VALUE_MAPPING,
  mapColumn,
  type PgColumn,
  type PgColumnValue,
  type PgRelation,
  type PgTypeDescriptor,
  TableSchema,
  typeLookupFrom,
  type ValueMappingOptions,
} from '../../../../../connectors/postgres/events';

const converters = new Map<string, JsonConverter>();

function converter(schemasEnable: boolean, isKey: boolean): JsonConverter {
  const id = `${schemasEnable}:${isKey}`;
  let c = converters.get(id);
  if (c === undefined) {
    c = new JsonConverter();
    c.configure({ 'schemas.enable': schemasEnable }, isKey);
    converters.set(id, c);
  }
  return c;
}

/** The text the JsonConverter writes for a value (null for a Kafka null, e.g. a tombstone). */
export function toJson(schema: Schema | null, value: unknown, options: { schemasEnable?: boolean; isKey?: boolean } = {}): string | null {
  const bytes = converter(options.schemasEnable ?? true, options.isKey ?? false).fromConnectData('topic', null, schema, value);
  return bytes === null ? null : bytes.toString('utf8');
}

/** The schema part alone, as the converter renders it. */
export function schemaJson(schema: Schema): string {
  return converter(true, false).asJsonSchema(schema);
}

/** The numeric(p,s) type modifier: ((p << 16) | s) + 4. */
export function numericTypmod(precision: number, scale: number): number {
  return ((precision << 16) | scale) + 4;
}

export function column(name: string, typeOid: number, extra: Partial<PgColumn> = {}): PgColumn {
  return { name, typeOid, typeModifier: -1, isKey: false, optional: true, ...extra };
}

/** public.customers of reference §1.6: id int4 PK, email varchar(255) NOT NULL, balance numeric(10,2), signup date, updated_at timestamptz, prefs jsonb. */
export const CUSTOMERS: PgRelation = {
  relationId: 16385,
  schema: 'public',
  table: 'customers',
  columns: [
    column('id', 23, { isKey: true, optional: false }),
    column('email', 1043, { typeModifier: 255 + 4, optional: false }),
    column('balance', 1700, { typeModifier: numericTypmod(10, 2) }),
    column('signup', 1082),
    column('updated_at', 1184),
    column('prefs', 3802),
  ],
};

export function customersSchema(mapping: Partial<ValueMappingOptions> = {}): TableSchema {
  return new TableSchema(CUSTOMERS, { topicPrefix: 'dbserver1', mapping: { ...DEFAULT_VALUE_MAPPING, ...mapping } });
}

export const ENUM_OID = 16500;
export const ENUM_ARRAY_OID = 16499;
export const LTREE_OID = 16600;
export const HSTORE_OID = 16700;
export const CITEXT_OID = 16800;
export const DOMAIN_OID = 16900;
export const TEST_TYPES = typeLookupFrom(
  new Map<number, PgTypeDescriptor>([
    [ENUM_OID, { kind: 'enum', name: 'mood', labels: ['sad', 'ok', 'happy'] }],
    [ENUM_ARRAY_OID, { kind: 'array', name: '_mood', elementOid: ENUM_OID }],
    [LTREE_OID, { kind: 'base', name: 'ltree' }],
    [HSTORE_OID, { kind: 'base', name: 'hstore' }],
    [CITEXT_OID, { kind: 'base', name: 'citext' }],
    [DOMAIN_OID, { kind: 'domain', name: 'price', baseOid: 1700, baseTypeModifier: numericTypmod(8, 3) }],
  ]),
);

/** The converter's `{"schema":S,"payload":P}` for one column value, split into S and P. */
export function golden(
  typeOid: number,
  text: PgColumnValue,
  options: { typeModifier?: number; mapping?: Partial<ValueMappingOptions>; column?: Partial<PgColumn> } = {},
): { schema: string; payload: string } {
  const col: PgColumn = { name: 'c', typeOid, typeModifier: options.typeModifier ?? -1, isKey: false, optional: true, ...options.column };
  const mapping = mapColumn(col, 0, { mapping: { ...DEFAULT_VALUE_MAPPING, ...options.mapping }, types: TEST_TYPES });
  if (!mapping.mapped) throw new Error(`not mapped: ${mapping.dropped.reason}`);
  const { schema, convert } = { schema: mapping.converter.schema, convert: mapping.converter.convert.bind(mapping.converter) };
  const json = toJson(schema, convert(text)) as string;
  const split = json.indexOf(',"payload":');
  return { schema: json.slice('{"schema":'.length, split), payload: json.slice(split + ',"payload":'.length, -1) };
}

/** The fields of io.debezium.connector.postgresql.Source as the converter writes them. */
export const SOURCE_FIELDS =
  '{"type":"string","optional":false,"field":"version"},' +
  '{"type":"string","optional":false,"field":"connector"},' +
  '{"type":"string","optional":false,"field":"name"},' +
  '{"type":"int64","optional":false,"field":"ts_ms"},' +
  '{"type":"string","optional":true,"name":"io.debezium.data.Enum","version":1,' +
  '"parameters":{"allowed":"true,first,first_in_data_collection,last_in_data_collection,last,false,incremental"},' +
  '"default":"false","field":"snapshot"},' +
  '{"type":"string","optional":false,"field":"db"},' +
  '{"type":"string","optional":true,"field":"sequence"},' +
  '{"type":"int64","optional":true,"field":"ts_us"},' +
  '{"type":"int64","optional":true,"field":"ts_ns"},' +
  '{"type":"string","optional":false,"field":"schema"},' +
  '{"type":"string","optional":false,"field":"table"},' +
  '{"type":"int64","optional":true,"field":"txId"},' +
  '{"type":"int64","optional":true,"field":"lsn"},' +
  '{"type":"int64","optional":true,"field":"xmin"},' +
  '{"type":"string","optional":true,"field":"origin"},' +
  '{"type":"int64","optional":true,"field":"origin_lsn"}';
