/**
 * Column defaults from the catalog (pg_get_expr of pg_attrdef) as the literal text the value codecs parse, the way
 * Debezium's PostgresDefaultValueConverter reads them: a quoted literal with a cast (`'pending'::character
 * varying`) gives its text, a bare literal (`42`, `true`) itself, `NULL::type` no default, and a function call
 * (`now()`, `nextval(...)`, CURRENT_TIMESTAMP) the type's placeholder (0, '', 1970-01-01, ...). Types Debezium
 * has no default mapper for get no default.
 */
import { PgOid } from '../events';

const LITERAL = /'([^']*(?:''[^']*)*)'/;
const FUNCTION_CALL = /^[(]?[A-Za-z0-9_.]+\((?:.+(?:, ?.+)*)?\)/;
const CURRENT_DATE_TIMES: ReadonlySet<string> = new Set(['current_timestamp', 'current_time', 'current_date', 'localtime', 'localtimestamp']);

/** The placeholder a generated (function) default stands for, per built-in type; absent types get no default. */
const GENERATED_PLACEHOLDER: ReadonlyMap<number, string> = new Map([
  [PgOid.BOOL, 'false'],
  [PgOid.BPCHAR, ''],
  [PgOid.VARCHAR, ''],
  [PgOid.TEXT, ''],
  [PgOid.NUMERIC, '0.0'],
  [PgOid.FLOAT4, '0.0'],
  [PgOid.FLOAT8, '0.0'],
  [PgOid.INT2, '0'],
  [PgOid.INT4, '0'],
  [PgOid.INT8, '0'],
  [PgOid.JSON, '{}'],
  [PgOid.JSONB, '{}'],
  [PgOid.XML, ''],
  [PgOid.UUID, '00000000-0000-0000-0000-000000000000'],
  [PgOid.DATE, '1970-01-01'],
  [PgOid.TIME, '00:00:00'],
  [PgOid.TIMESTAMP, '1970-01-01 00:00:00'],
  [PgOid.TIMESTAMPTZ, '1970-01-01 00:00:00+00'],
  [PgOid.INTERVAL, 'PT0S'],
]);

/** Types whose defaults may be literal-only (no placeholder for generated values), such as enums. */
export interface DefaultTypeInfo {
  /** The built-in type OID of the column, or undefined for a non-built-in type. */
  builtinOid?: number;
  /** True for enum types, whose quoted literal defaults are kept. */
  isEnum?: boolean;
}

/**
 * The default's literal text, or undefined when the column gets no schema default (no default, NULL, an
 * unsupported type, or an expression that is neither a literal nor a function call).
 */
export function literalDefault(expression: string | null | undefined, type: DefaultTypeInfo): string | undefined {
  if (expression === null || expression === undefined) return undefined;
  const expr = expression.trim();
  if (expr === '' || /^NULL(::|$)/i.test(expr)) return undefined;
  if (type.isEnum) {
    const quoted = /^'((?:[^']|'')*)'::[^']+$/.exec(expr);
    return quoted ? quoted[1]!.replace(/''/g, "'") : undefined;
  }
  if (type.builtinOid === undefined) return undefined;
  const placeholder = GENERATED_PLACEHOLDER.get(type.builtinOid);
  if (placeholder === undefined) return undefined;
  if (FUNCTION_CALL.test(expr) || CURRENT_DATE_TIMES.has(expr.toLowerCase())) return placeholder;
  if (!expr.includes("'")) return expr;
  const match = LITERAL.exec(expr);
  return match ? match[1]!.replace(/''/g, "'") : undefined;
}
