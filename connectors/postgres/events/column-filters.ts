/**
 * Column selection settings: `column.include.list` / `column.exclude.list` (which columns appear in the value) and
 * `message.key.columns` (which columns form the key instead of the primary key). Regexes are matched against
 * `<schema>.<table>.<column>`, case-insensitively and anchored at both ends, as Debezium matches them.
 */
import { ConfigError } from '../../../connect-runtime/api';

/** Whether a column appears in the value struct. */
export type ColumnFilter = (schema: string, table: string, column: string) => boolean;

/** The names of the key columns of a table, in key order, or undefined to use its primary key. */
export type KeyColumnsSelector = (schema: string, table: string, columns: readonly string[]) => string[] | undefined;

/**
 * Splits a comma-separated regex list; `\,` keeps a comma inside an expression (any other escape is left for the
 * regex). Items are trimmed and empty items skipped.
 */
export function splitRegexList(list: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (c === '\\') {
      i++;
    } else if (c === ',') {
      parts.push(list.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(list.slice(start));
  return parts.map((p) => p.trim().replace(/\\,/g, ',')).filter((p) => p !== '');
}

function compile(pattern: string, configKey: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`, 'i');
  } catch (err) {
    throw ConfigError.invalidValue(configKey, pattern, `not a valid regular expression: ${(err as Error).message}`);
  }
}

/** The value-column filter for `column.include.list` or `column.exclude.list` (both set is a config error). */
export function columnFilterFrom(options: { columnIncludeList?: string; columnExcludeList?: string }): ColumnFilter | undefined {
  const { columnIncludeList: include, columnExcludeList: exclude } = options;
  if (include !== undefined && exclude !== undefined) {
    throw ConfigError.invalidValue('column.exclude.list', exclude, '"column.include.list" is already specified');
  }
  if (include !== undefined) {
    const patterns = splitRegexList(include).map((p) => compile(p, 'column.include.list'));
    return (schema, table, column) => patterns.some((p) => p.test(`${schema}.${table}.${column}`));
  }
  if (exclude !== undefined) {
    const patterns = splitRegexList(exclude).map((p) => compile(p, 'column.exclude.list'));
    return (schema, table, column) => !patterns.some((p) => p.test(`${schema}.${table}.${column}`));
  }
  return undefined;
}

const KEY_COLUMNS_ENTRY = /^\s*([^:]+):([^:,]+(,[^:,]+)*)\s*$/;

/**
 * The key selector for `message.key.columns`: `<table regex>:<col>,<col>;...`. Each `<table regex>.<col>` is a
 * regex over `<schema>.<table>.<column>`; key columns come in the order of the entries, then of the table.
 */
export function keyColumnsSelectorFrom(messageKeyColumns: string | undefined): KeyColumnsSelector | undefined {
  if (messageKeyColumns === undefined || messageKeyColumns.trim() === '') return undefined;
  const patterns: RegExp[] = [];
  for (const entry of messageKeyColumns.split(';')) {
    if (entry.trim() === '') continue;
    if (!KEY_COLUMNS_ENTRY.test(entry)) {
      throw ConfigError.invalidValue('message.key.columns', messageKeyColumns, `"${entry}" is not <table regex>:<column>[,<column>...]`);
    }
    const colon = entry.indexOf(':');
    const table = entry.slice(0, colon).trim();
    for (const column of entry.slice(colon + 1).split(',')) patterns.push(compile(`${table}.${column.trim()}`, 'message.key.columns'));
  }
  return (schema, table, columns) => {
    const selected: string[] = [];
    for (const pattern of patterns) {
      for (const column of columns) {
        if (pattern.test(`${schema}.${table}.${column}`) && !selected.includes(column)) selected.push(column);
      }
    }
    return selected.length === 0 ? undefined : selected;
  };
}
