/**
 * Java regular expressions and replacement strings, as RegexRouter and TopicNameMatches configs are written for
 * java.util.regex. JavaScript's syntax is close enough for the patterns used on topic names; the Java-only constructs
 * people do use are translated: leading inline flags `(?i)`, `(?s)`, `(?m)`, quoting `\Q...\E`, and the anchors `\A`,
 * `\z`, `\Z`. Anything JavaScript rejects is reported as an invalid regex.
 *
 * Replacement strings follow Matcher.appendReplacement: `$n` (taking further digits while they name an existing
 * group), `${name}`, and `\` escaping the next character. They are compiled once and checked against the pattern's
 * groups at configuration time.
 */

const FLAG_MAP: Readonly<Record<string, string>> = { i: 'i', m: 'm', s: 's', u: '' };

export interface JavaRegex {
  /** Finds the leftmost match anywhere (Matcher.find from the start). */
  readonly find: RegExp;
  /** Matches only the whole input (Matcher.matches). Sticky: reset lastIndex (done by matchesWhole). */
  readonly whole: RegExp;
  readonly groupCount: number;
  readonly groupNames: ReadonlySet<string>;
}

/** Compiles a Java regex; throws an Error whose message says what is wrong. */
export function compileJavaRegex(source: string): JavaRegex {
  let body = source;
  let flags = '';
  const inline = /^\(\?([a-zA-Z]+)\)/.exec(body);
  if (inline) {
    for (const f of inline[1] as string) {
      const mapped = FLAG_MAP[f];
      if (mapped === undefined) throw new Error(`Unsupported inline flag '${f}' in ${source}`);
      if (!flags.includes(mapped)) flags += mapped;
    }
    body = body.slice(inline[0].length);
  }
  const translated = translate(body);
  const find = new RegExp(translated, flags);
  const whole = new RegExp(`(?:${translated})(?![\\s\\S])`, `${flags}y`);
  const probe = new RegExp(`${translated}|`, flags).exec('') as RegExpExecArray;
  return { find, whole, groupCount: probe.length - 1, groupNames: new Set(Object.keys(probe.groups ?? {})) };
}

/** Whether the whole input matches (Java's Matcher.matches). */
export function matchesWhole(regex: JavaRegex, input: string): boolean {
  regex.whole.lastIndex = 0;
  return regex.whole.test(input);
}

function translate(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== '\\' || i + 1 >= body.length) {
      out += c;
      continue;
    }
    const next = body[i + 1] as string;
    i++;
    switch (next) {
      case 'Q': {
        const end = body.indexOf('\\E', i + 1);
        const quoted = end < 0 ? body.slice(i + 1) : body.slice(i + 1, end);
        out += quoted.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
        i = end < 0 ? body.length : end + 1;
        break;
      }
      case 'A':
        out += '(?<![\\s\\S])';
        break;
      case 'z':
        out += '(?![\\s\\S])';
        break;
      case 'Z':
        out += '(?=\\n?(?![\\s\\S]))';
        break;
      default:
        out += `\\${next}`;
    }
  }
  return out;
}

type Part = { kind: 'text'; text: string } | { kind: 'group'; index: number } | { kind: 'named'; name: string };

/** A compiled replacement: the text for one match. */
export type JavaReplacement = (match: RegExpExecArray) => string;

/** Compiles a Matcher.replaceFirst replacement against a regex's groups; throws an Error on a bad reference. */
export function compileJavaReplacement(replacement: string, regex: JavaRegex): JavaReplacement {
  const parts: Part[] = [];
  let text = '';
  const flush = (): void => {
    if (text !== '') parts.push({ kind: 'text', text });
    text = '';
  };
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i] as string;
    if (c === '\\') {
      if (i + 1 >= replacement.length) throw new Error('character to be escaped is missing');
      text += replacement[++i] as string;
    } else if (c !== '$') {
      text += c;
    } else if (replacement[i + 1] === '{') {
      const end = replacement.indexOf('}', i + 2);
      if (end < 0) throw new Error("named capturing group is missing trailing '}'");
      const name = replacement.slice(i + 2, end);
      if (name === '') throw new Error('named capturing group has 0 length name');
      if (!regex.groupNames.has(name)) throw new Error(`No group with name {${name}}`);
      flush();
      parts.push({ kind: 'named', name });
      i = end;
    } else {
      const first = replacement.charCodeAt(i + 1) - 48;
      if (!(first >= 0 && first <= 9)) throw new Error('Illegal group reference');
      let index = first;
      i++;
      while (i + 1 < replacement.length) {
        const d = replacement.charCodeAt(i + 1) - 48;
        if (!(d >= 0 && d <= 9) || index * 10 + d > regex.groupCount) break;
        index = index * 10 + d;
        i++;
      }
      if (index > regex.groupCount) throw new Error(`No group ${index}`);
      flush();
      parts.push({ kind: 'group', index });
    }
  }
  flush();
  if (parts.length === 1 && parts[0]?.kind === 'text') {
    const constant = parts[0].text;
    return () => constant;
  }
  return (match) => {
    let out = '';
    for (const part of parts) {
      if (part.kind === 'text') out += part.text;
      else if (part.kind === 'group') out += match[part.index] ?? '';
      else out += match.groups?.[part.name] ?? '';
    }
    return out;
  };
}

/** Java's Matcher.replaceFirst: the leftmost match replaced, or the input unchanged when nothing matches. */
export function replaceFirst(regex: JavaRegex, input: string, replacement: JavaReplacement): string {
  const match = regex.find.exec(input);
  if (match === null) return input;
  return input.slice(0, match.index) + replacement(match) + input.slice(match.index + match[0].length);
}
