/**
 * Java `.properties` files (java.util.Properties.load) for worker and connector configurations.
 *
 *   - natural lines end with \n, \r or \r\n; leading spaces, tabs and form feeds are ignored;
 *   - lines whose first non-blank character is `#` or `!` are comments (and never continue);
 *   - a line ending in an odd number of backslashes continues on the next line, whose leading blanks are dropped;
 *   - the key ends at the first unescaped `=`, `:` or blank; blanks, then one optional `=` or `:`, then blanks
 *     separate it from the value, which keeps its trailing blanks;
 *   - escapes: \t \n \r \f, \uXXXX, and a backslash before any other character stands for that character.
 * Later definitions of a key replace earlier ones. Files are read as UTF-8 (Java reads ISO-8859-1, which only
 * differs for non-ASCII text, which Java users must escape anyway); a leading byte-order mark is ignored.
 *
 * broker/config/properties.ts has a similar reader for the broker; the Connect runtime may not import broker code
 * (DESIGN §2), hence this separate one.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../api/errors';

export type Properties = Record<string, string>;

const BLANK = new Set([' ', '\t', '\f']);
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { t: '\t', n: '\n', r: '\r', f: '\f' };

/** Parses the text of a properties file. `source` names the file in error messages. */
export function parseProperties(text: string, source = 'properties'): Properties {
  const out: Properties = Object.create(null) as Properties;
  const lines = (text.startsWith('\uFEFF') ? text.slice(1) : text).split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNumber = i + 1;
    let line = stripLeadingBlanks(lines[i] as string);
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    while (trailingBackslashes(line) % 2 === 1) {
      line = line.slice(0, -1);
      if (i + 1 >= lines.length) break;
      line += stripLeadingBlanks(lines[++i] as string);
    }
    const [key, value] = splitKeyValue(line);
    try {
      out[unescape(key)] = unescape(value);
    } catch (err) {
      throw new ConfigError(`${source}, line ${lineNumber}: ${(err as Error).message}`);
    }
  }
  return { ...out };
}

/** Reads and parses a properties file. */
export async function readPropertiesFile(file: string): Promise<Properties> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`Cannot read properties file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  return parseProperties(text, file);
}

export function readPropertiesFileSync(file: string): Properties {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`Cannot read properties file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  return parseProperties(text, file);
}

function stripLeadingBlanks(s: string): string {
  let i = 0;
  while (i < s.length && BLANK.has(s[i] as string)) i++;
  return s.slice(i);
}

function trailingBackslashes(s: string): number {
  let n = 0;
  while (n < s.length && s[s.length - 1 - n] === '\\') n++;
  return n;
}

/** Splits a logical line into its raw (still escaped) key and value. */
function splitKeyValue(line: string): [string, string] {
  let keyEnd = 0;
  let hasSeparator = false;
  let valueStart = line.length;
  while (keyEnd < line.length) {
    const c = line[keyEnd] as string;
    if (c === '\\') {
      keyEnd += 2;
      continue;
    }
    if (c === '=' || c === ':') {
      hasSeparator = true;
      valueStart = keyEnd + 1;
      break;
    }
    if (BLANK.has(c)) {
      valueStart = keyEnd + 1;
      break;
    }
    keyEnd++;
  }
  keyEnd = Math.min(keyEnd, line.length);
  while (valueStart < line.length) {
    const c = line[valueStart] as string;
    if (!BLANK.has(c)) {
      if (!hasSeparator && (c === '=' || c === ':')) hasSeparator = true;
      else break;
    }
    valueStart++;
  }
  return [line.slice(0, keyEnd), line.slice(valueStart)];
}

function unescape(s: string): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c !== '\\' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const e = s[++i] as string;
    if (e === 'u') {
      const hex = s.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new Error('Malformed \\uxxxx encoding.');
      out += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else {
      out += SIMPLE_ESCAPES[e] ?? e;
    }
  }
  return out;
}
