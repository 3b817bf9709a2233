/**
 * Parser for PostgreSQL's array text form (array_out): `{1,2,NULL}`, `{"a b","say \"hi\"",""}`, nested
 * `{{1,2},{3,4}}`, and the `[0:2]={...}` dimension prefix printed when a lower bound is not 1.
 *
 * An element is double-quoted when it is empty, spells NULL, or contains braces, the delimiter, quotes,
 * backslashes or white space; inside quotes `\` escapes the next character. An unquoted NULL (any case) is SQL
 * NULL, a quoted "NULL" is the four-letter string.
 */
import { DataError } from '../../../connect-runtime/api';

export type PgArrayElement = string | null | PgArrayElement[];

const WHITESPACE = new Set([' ', '\t', '\n', '\r', '\v', '\f']);

class ArrayLiteralReader {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly delimiter: string,
  ) {}

  parse(): PgArrayElement[] {
    this.skipDimensions();
    this.skipSpace();
    const result = this.readArray();
    this.skipSpace();
    if (this.pos !== this.text.length) this.fail('unexpected text after the closing brace');
    return result;
  }

  /** `[1:3][0:1]=` precedes the braces when a lower bound is not 1; the bounds carry nothing we emit. */
  private skipDimensions(): void {
    this.skipSpace();
    if (this.text[this.pos] !== '[') return;
    const eq = this.text.indexOf('=', this.pos);
    if (eq < 0 || !/^(\s*\[\s*-?\d+\s*(:\s*-?\d+\s*)?\])+\s*$/.test(this.text.slice(this.pos, eq))) {
      this.fail('malformed dimension prefix');
    }
    this.pos = eq + 1;
  }

  private readArray(): PgArrayElement[] {
    if (this.text[this.pos] !== '{') this.fail('expected "{"');
    this.pos++;
    const elements: PgArrayElement[] = [];
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return elements;
    }
    for (;;) {
      this.skipSpace();
      elements.push(this.readElement());
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === this.delimiter) {
        this.pos++;
      } else if (c === '}') {
        this.pos++;
        return elements;
      } else {
        this.fail(c === undefined ? 'missing "}"' : `unexpected "${c}"`);
      }
    }
  }

  private readElement(): PgArrayElement {
    const c = this.text[this.pos];
    if (c === '{') return this.readArray();
    if (c === '"') return this.readQuoted();
    return this.readUnquoted();
  }

  private readQuoted(): string {
    this.pos++;
    let out = '';
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined) this.fail('unterminated quoted element');
      this.pos++;
      if (c === '"') return out;
      if (c === '\\') {
        const next = this.text[this.pos];
        if (next === undefined) this.fail('unterminated escape');
        out += next;
        this.pos++;
      } else {
        out += c;
      }
    }
  }

  private readUnquoted(): string | null {
    let out = '';
    let escaped = false;
    // Trailing white space is not part of an unquoted element, unless it was escaped.
    let keep = 0;
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined || c === this.delimiter || c === '}') break;
      if (c === '{' || c === '"') this.fail(`unexpected "${c}" inside an unquoted element`);
      this.pos++;
      if (c === '\\') {
        const next = this.text[this.pos];
        if (next === undefined) this.fail('unterminated escape');
        out += next;
        this.pos++;
        escaped = true;
        keep = out.length;
      } else {
        out += c;
        if (!WHITESPACE.has(c)) keep = out.length;
      }
    }
    out = out.slice(0, keep);
    if (out === '') this.fail('empty unquoted element');
    return !escaped && out.toUpperCase() === 'NULL' ? null : out;
  }

  private skipSpace(): void {
    while (WHITESPACE.has(this.text[this.pos] ?? '')) this.pos++;
  }

  private fail(reason: string): never {
    const shown = this.text.length > 60 ? `${this.text.slice(0, 60)}...` : this.text;
    throw new DataError(`Invalid array literal ${JSON.stringify(shown)} at offset ${this.pos}: ${reason}`);
  }
}

/** Parses an array literal; nested arrays come back as nested JavaScript arrays. */
export function parseArrayLiteral(text: string, delimiter = ','): PgArrayElement[] {
  return new ArrayLiteralReader(text, delimiter).parse();
}

/** Parses a one-dimensional array literal (what Debezium's array schemas can carry). */
export function parseFlatArrayLiteral(text: string, delimiter = ','): Array<string | null> {
  const elements = parseArrayLiteral(text, delimiter);
  for (const e of elements) {
    if (Array.isArray(e)) throw new DataError(`Multi-dimensional arrays are not supported: ${text.length > 60 ? `${text.slice(0, 60)}...` : text}`);
  }
  return elements as Array<string | null>;
}
