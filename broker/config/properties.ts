/**
 * Java `.properties` files as Kafka tools use them: `key=value` or `key: value` lines, `#`/`!`
 * comments, backslash line continuations and the usual escapes. Later keys override earlier ones.
 */
import { readFileSync } from 'node:fs';

export type Properties = Record<string, string>;

function unescape(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, e: string) => {
    if (e.startsWith('u') && e.length === 5) return String.fromCharCode(parseInt(e.slice(1), 16));
    return ({ t: '\t', n: '\n', r: '\r', f: '\f' } as Record<string, string>)[e] ?? e;
  });
}

export function parseProperties(text: string): Properties {
  const out: Properties = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = (lines[i] as string).replace(/^\s+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    // An odd number of trailing backslashes continues the line.
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) {
      line = line.slice(0, -1) + (lines[++i] as string).replace(/^\s+/, '');
    }
    const m = /^((?:\\.|[^=:\s\\])*)\s*[=:]?\s*(.*)$/.exec(line);
    if (!m) continue;
    out[unescape(m[1] as string)] = unescape(m[2] as string);
  }
  return out;
}

export function readPropertiesFile(path: string): Properties {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read properties file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseProperties(text);
}

/** Applies `key=value` overrides (from `--override`) on top of a file's properties. */
export function applyOverrides(props: Properties, overrides: string[]): Properties {
  const out = { ...props };
  for (const o of overrides) {
    const eq = o.indexOf('=');
    if (eq <= 0) throw new Error(`override "${o}" is not of the form key=value`);
    out[o.slice(0, eq).trim()] = o.slice(eq + 1).trim();
  }
  return out;
}
