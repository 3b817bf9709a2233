/**
 * Target table names from `table.name.format`.
 *
 * `${topic}` stands for the topic with every `.` replaced by `_`, the convention of Debezium's JDBC sink: a Debezium
 * topic `server.public.orders` becomes table `server_public_orders` rather than being misread as schema `server`,
 * table `public`, and so on. `${source.<field>}` is a field of a Debezium envelope's `source` block, typically
 * `${source.schema}.${source.table}`. Dots written in the format itself (outside placeholders) separate the schema
 * from the table; with three parts the first (a JDBC catalog, i.e. the database) is ignored, since a PostgreSQL
 * connection writes to one database. Each part is then an identifier in its own right, so a dot inside a resolved
 * value never splits it.
 */
import { DataError } from '../../../connect-runtime/api';
import { normalizeIdentifier, type TableId } from './identifiers';

type Token = { kind: 'text'; text: string } | { kind: 'topic' } | { kind: 'source'; field: string };

const PLACEHOLDER = /\$\{([^}]*)\}/y;

/** What a record offers for naming: its topic and, for Debezium envelopes, the fields of `source`. */
export interface NamingContext {
  readonly topic: string;
  /** A `source` field as text, or undefined when the record has no such field (or is not an envelope). */
  readonly sourceField: ((field: string) => string | undefined) | null;
}

/** Splits a format into its dot-separated parts of tokens, or throws an Error naming the problem. */
function compile(format: string): Token[][] {
  if (format.trim() === '') throw new Error('The format must not be empty');
  const parts: Token[][] = [[]];
  let i = 0;
  while (i < format.length) {
    const current = parts[parts.length - 1] as Token[];
    if (format.startsWith('${', i)) {
      PLACEHOLDER.lastIndex = i;
      const m = PLACEHOLDER.exec(format);
      if (!m) throw new Error(`Unclosed placeholder at position ${i}`);
      const name = (m[1] as string).trim();
      if (name === 'topic') current.push({ kind: 'topic' });
      else if (/^source\.[A-Za-z0-9_]+$/.test(name)) current.push({ kind: 'source', field: name.slice('source.'.length) });
      else throw new Error(`Unknown placeholder \${${name}}: use \${topic} or \${source.<field>}`);
      i += m[0].length;
    } else if (format[i] === '.') {
      parts.push([]);
      i++;
    } else {
      const nextSpecial = nextIndex(format, i);
      current.push({ kind: 'text', text: format.slice(i, nextSpecial) });
      i = nextSpecial;
    }
  }
  if (parts.some((p) => p.length === 0)) throw new Error('A schema or table part of the format is empty');
  if (parts.length > 3) throw new Error('Expected table, schema.table or database.schema.table');
  return parts;
}

function nextIndex(format: string, from: number): number {
  let i = from;
  while (i < format.length && format[i] !== '.' && !format.startsWith('${', i)) i++;
  return i;
}

/** A problem with the format, worded for a config error, or null when it is fine. */
export function checkTableNameFormat(format: string): string | null {
  try {
    compile(format);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

export class TableNameResolver {
  private readonly parts: Token[][];
  /** True when the format needs a Debezium envelope's source block. */
  readonly usesSource: boolean;

  constructor(
    readonly format: string,
    private readonly keepCase: boolean,
  ) {
    this.parts = compile(format).slice(-2);
    this.usesSource = this.parts.some((p) => p.some((t) => t.kind === 'source'));
  }

  resolve(context: NamingContext): TableId {
    const names = this.parts.map((tokens) => normalizeIdentifier(this.render(tokens, context), this.keepCase));
    return names.length === 2 ? { schema: names[0] as string, name: names[1] as string } : { schema: null, name: names[0] as string };
  }

  private render(tokens: Token[], context: NamingContext): string {
    let out = '';
    for (const token of tokens) {
      if (token.kind === 'text') out += token.text;
      else if (token.kind === 'topic') out += context.topic.replace(/\./g, '_');
      else {
        const value = context.sourceField?.(token.field);
        if (value === undefined || value === '') {
          throw new DataError(
            context.sourceField === null
              ? `table.name.format ${this.format} uses \${source.${token.field}}, but the record is not a Debezium change event`
              : `table.name.format ${this.format} uses \${source.${token.field}}, but the event's source block has no such value`,
          );
        }
        out += value;
      }
    }
    if (out === '') throw new DataError(`table.name.format ${this.format} resolved to an empty name`);
    return out;
  }
}
