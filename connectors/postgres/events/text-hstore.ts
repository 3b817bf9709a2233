/**
 * hstore text (`"a"=>"1", "b"=>NULL`) to the map Debezium builds, and that map as the JSON text of
 * `hstore.handling.mode=json`.
 *
 * Debezium parses into a java.util.HashMap, so both the JSON text and the Connect MAP list entries in HashMap
 * iteration order, not in the order PostgreSQL printed them. Entries are returned in that order here so the output
 * matches byte for byte.
 */
import { DataError } from '../../../connect-runtime/api';

export type HstoreEntries = Array<[string, string | null]>;

function fail(text: string, reason: string): never {
  throw new DataError(`Cannot parse hstore value (${reason}): ${JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}...` : text)}`);
}

function readQuoted(text: string, start: number): [string, number] {
  let out = '';
  let i = start + 1;
  for (;;) {
    const c = text[i];
    if (c === undefined) fail(text, 'unterminated string');
    if (c === '"') return [out, i + 1];
    if (c === '\\') {
      i++;
      const next = text[i];
      if (next === undefined) fail(text, 'unterminated escape');
      out += next;
    } else {
      out += c;
    }
    i++;
  }
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && /\s/.test(text[i] as string)) i++;
  return i;
}

/** Parses hstore output text into entries in PostgreSQL's order (duplicates keep the first value). */
export function parseHstore(text: string): HstoreEntries {
  const entries: HstoreEntries = [];
  const seen = new Set<string>();
  let i = skipSpace(text, 0);
  while (i < text.length) {
    if (text[i] !== '"') fail(text, 'expected a quoted key');
    const [key, afterKey] = readQuoted(text, i);
    i = skipSpace(text, afterKey);
    if (!text.startsWith('=>', i)) fail(text, 'expected =>');
    i = skipSpace(text, i + 2);
    let value: string | null;
    if (text[i] === '"') {
      [value, i] = readQuoted(text, i);
    } else if (text.slice(i, i + 4).toUpperCase() === 'NULL') {
      value = null;
      i += 4;
    } else {
      fail(text, 'expected a quoted value or NULL');
    }
    if (!seen.has(key)) {
      seen.add(key);
      entries.push([key, value]);
    }
    i = skipSpace(text, i);
    if (i < text.length) {
      if (text[i] !== ',') fail(text, 'expected ,');
      i = skipSpace(text, i + 1);
    }
  }
  return javaHashMapOrder(entries);
}

/** java.lang.String.hashCode over UTF-16 code units. */
function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * The order a java.util.HashMap with default settings iterates string keys inserted in the given order: by bucket
 * (spread hash masked by the final table size, which starts at 16 and doubles when 3/4 full), then by insertion.
 */
export function javaHashMapOrder<V>(entries: ReadonlyArray<[string, V]>): Array<[string, V]> {
  let capacity = 16;
  while (entries.length > capacity * 0.75) capacity *= 2;
  const bucketOf = (key: string): number => {
    const h = javaStringHash(key);
    return (h ^ (h >>> 16)) & (capacity - 1);
  };
  return entries
    .map((entry, index) => ({ entry, index, bucket: bucketOf(entry[0]) }))
    .sort((a, b) => a.bucket - b.bucket || a.index - b.index)
    .map((e) => e.entry);
}

const JSON_ESCAPES: Readonly<Record<string, string>> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r' };

/** A JSON string literal escaped as Jackson writes it (other control characters as upper-case `\u00XX`). */
export function jacksonQuote(s: string): string {
  return `"${s.replace(/["\\\u0000-\u001f]/g, (c) => JSON_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`)}"`;
}

/** The JSON object Debezium writes for hstore in json mode: `{"a":"1","b":null}`. */
export function hstoreToJson(entries: ReadonlyArray<[string, string | null]>): string {
  return `{${entries.map(([k, v]) => `${jacksonQuote(k)}:${v === null ? 'null' : jacksonQuote(v)}`).join(',')}}`;
}
