/**
 * The pattern language of java.text.SimpleDateFormat: letters that stand for date fields, repeated for width, and
 * literal text (any non-letter, or anything between single quotes, with '' for a quote itself).
 */

/** The letters SimpleDateFormat knows; any other ASCII letter outside quotes is an error. */
export const PATTERN_LETTERS = 'GyYMLwWDdFEuaHkKhmsSzZX';

export type DateToken = { kind: 'literal'; text: string } | { kind: 'field'; letter: string; count: number };

export const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
export const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** The tokens of a pattern; throws an Error naming an illegal pattern character or an unterminated quote. */
export function tokenize(pattern: string): DateToken[] {
  const tokens: DateToken[] = [];
  const literal = (text: string): void => {
    const last = tokens[tokens.length - 1];
    if (last?.kind === 'literal') tokens[tokens.length - 1] = { kind: 'literal', text: last.text + text };
    else tokens.push({ kind: 'literal', text });
  };
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i] as string;
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        literal("'");
        i += 2;
        continue;
      }
      let text = '';
      let j = i + 1;
      for (;;) {
        if (j >= pattern.length) throw new Error(`Unterminated quote in pattern "${pattern}"`);
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") {
            text += "'";
            j += 2;
            continue;
          }
          break;
        }
        text += pattern[j] as string;
        j++;
      }
      literal(text);
      i = j + 1;
    } else if (/[a-zA-Z]/.test(c)) {
      if (!PATTERN_LETTERS.includes(c)) throw new Error(`Illegal pattern character '${c}'`);
      let j = i + 1;
      while (pattern[j] === c) j++;
      tokens.push({ kind: 'field', letter: c, count: j - i });
      i = j;
    } else {
      literal(c);
      i++;
    }
  }
  return tokens;
}
