/**
 * Which tables the connector captures: Debezium's schema.include/exclude.list and table.include/exclude.list.
 * Each list is comma-separated regexes, matched case-insensitively against the whole schema name or the whole
 * `<schema>.<table>`. System schemas are never captured.
 */
import { ConfigError } from '../../../connect-runtime/api';
import { splitRegexList } from '../events';

export interface TableFilterSettings {
  schemaIncludeList?: string | null;
  schemaExcludeList?: string | null;
  tableIncludeList?: string | null;
  tableExcludeList?: string | null;
}

export type TableFilter = (schema: string, table: string) => boolean;

const SYSTEM_SCHEMA = /^(pg_catalog|information_schema|pg_toast.*|pg_temp.*)$/;

/** Compiles one list of regexes; throws a ConfigError naming the key when an expression is not valid. */
export function compileRegexList(list: string, key: string): RegExp[] {
  return splitRegexList(list).map((pattern) => {
    try {
      return new RegExp(`^(?:${pattern})$`, 'i');
    } catch (err) {
      throw ConfigError.invalidValue(key, pattern, `not a valid regular expression: ${(err as Error).message}`);
    }
  });
}

function present(value: string | null | undefined): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/** The predicate over (schema, table); include and exclude of the same level together are a config error. */
export function tableFilterFrom(settings: TableFilterSettings): TableFilter {
  if (present(settings.schemaIncludeList) && present(settings.schemaExcludeList)) {
    throw ConfigError.invalidValue('schema.exclude.list', settings.schemaExcludeList, 'schema.include.list is already specified');
  }
  if (present(settings.tableIncludeList) && present(settings.tableExcludeList)) {
    throw ConfigError.invalidValue('table.exclude.list', settings.tableExcludeList, 'table.include.list is already specified');
  }
  const schemaInclude = present(settings.schemaIncludeList) ? compileRegexList(settings.schemaIncludeList, 'schema.include.list') : undefined;
  const schemaExclude = present(settings.schemaExcludeList) ? compileRegexList(settings.schemaExcludeList, 'schema.exclude.list') : undefined;
  const tableInclude = present(settings.tableIncludeList) ? compileRegexList(settings.tableIncludeList, 'table.include.list') : undefined;
  const tableExclude = present(settings.tableExcludeList) ? compileRegexList(settings.tableExcludeList, 'table.exclude.list') : undefined;
  // Decisions are cached: the streaming path asks once per Relation message, the snapshot once per table.
  const cache = new Map<string, boolean>();
  return (schema, table) => {
    const id = `${schema}.${table}`;
    let decision = cache.get(id);
    if (decision === undefined) {
      decision = decide(schema, id);
      cache.set(id, decision);
    }
    return decision;
  };

  function decide(schema: string, id: string): boolean {
    if (SYSTEM_SCHEMA.test(schema)) return false;
    if (schemaInclude && !schemaInclude.some((r) => r.test(schema))) return false;
    if (schemaExclude?.some((r) => r.test(schema))) return false;
    if (tableInclude && !tableInclude.some((r) => r.test(id))) return false;
    if (tableExclude?.some((r) => r.test(id))) return false;
    return true;
  }
}

/** A predicate over strings from an include or exclude regex list (message prefixes); undefined when neither is set. */
export function stringFilterFrom(include: string | null | undefined, exclude: string | null | undefined, keys: [string, string]): ((value: string) => boolean) | undefined {
  if (present(include) && present(exclude)) throw ConfigError.invalidValue(keys[1], exclude, `${keys[0]} is already specified`);
  if (present(include)) {
    const patterns = compileRegexList(include, keys[0]);
    return (value) => patterns.some((p) => p.test(value));
  }
  if (present(exclude)) {
    const patterns = compileRegexList(exclude, keys[1]);
    return (value) => !patterns.some((p) => p.test(value));
  }
  return undefined;
}
