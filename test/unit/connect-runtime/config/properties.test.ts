/** Java .properties parsing, following java.util.Properties.load. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../../../connect-runtime/api/errors';
import { parseProperties, readPropertiesFile, readPropertiesFileSync } from '../../../../connect-runtime/config';

test('separators, blanks and comments', () => {
  const text = [
    '# a comment',
    '! another comment',
    '',
    '   ',
    'a=1',
    'b = 2',
    'c:3',
    'd : 4',
    'e 5',
    'f\t\t6',
    '   g=7',
    'h = = 8',
    'i==9',
    'empty=',
    'bare',
    'trailing=keeps blanks  ',
    'url=http://localhost:8083/path?x=y',
  ].join('\n');
  expect(parseProperties(text)).toEqual({
    a: '1',
    b: '2',
    c: '3',
    d: '4',
    e: '5',
    f: '6',
    g: '7',
    h: '= 8',
    i: '=9',
    empty: '',
    bare: '',
    trailing: 'keeps blanks  ',
    url: 'http://localhost:8083/path?x=y',
  });
});

test('line continuations; comments never continue; an escaped backslash does not continue', () => {
  const text = [
    'plugin.path=/a,\\',
    '            /b,\\',
    '   /c',
    '# comment \\',
    'next=1',
    'path=C:\\\\dir\\\\',
    'after=2',
    'last=x\\',
  ].join('\n');
  expect(parseProperties(text)).toEqual({ 'plugin.path': '/a,/b,/c', next: '1', path: 'C:\\dir\\', after: '2', last: 'x' });
});

test('escapes in keys and values', () => {
  const text = ['key\\ with\\ spaces=v', 'colon\\:key=v2', 'eq\\=key=v3', 'tabs=a\\tb\\nc\\rd\\fe', 'unicode=\\u00e9t\\u00E9', 'other=\\q\\#\\!'].join('\n');
  expect(parseProperties(text)).toEqual({
    'key with spaces': 'v',
    'colon:key': 'v2',
    'eq=key': 'v3',
    tabs: 'a\tb\nc\rd\fe',
    unicode: 'été',
    other: 'q#!',
  });
});

test('CRLF and CR line ends, a byte-order mark, UTF-8 text, later keys win', () => {
  expect(parseProperties('\uFEFFa=1\r\nb=2\rc=ü\na=3')).toEqual({ a: '3', b: '2', c: 'ü' });
});

test('keys such as __proto__ are plain keys', () => {
  const props = parseProperties('__proto__=x\nconstructor=y');
  expect(Object.keys(props)).toEqual(['__proto__', 'constructor']);
  expect(props['__proto__']).toBe('x');
  expect(Object.getPrototypeOf(props)).toBe(Object.prototype);
});

test('a malformed \\u escape is an error naming the source and line', () => {
  expect(() => parseProperties('ok=1\nbad=\\u12', 'worker.properties')).toThrow(ConfigError);
  expect(() => parseProperties('ok=1\nbad=\\u12', 'worker.properties')).toThrow('worker.properties, line 2: Malformed \\uxxxx encoding.');
});

test('files are read asynchronously or synchronously; a missing file is a clear error', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-props-'));
  try {
    const file = path.join(dir, 'worker.properties');
    fs.writeFileSync(file, 'bootstrap.servers=embedded\n');
    expect(await readPropertiesFile(file)).toEqual({ 'bootstrap.servers': 'embedded' });
    expect(readPropertiesFileSync(file)).toEqual({ 'bootstrap.servers': 'embedded' });
    const missing = path.join(dir, 'missing.properties');
    await expect(readPropertiesFile(missing)).rejects.toThrow(`Cannot read properties file ${missing}: ENOENT`);
    expect(() => readPropertiesFileSync(missing)).toThrow(`Cannot read properties file ${missing}: ENOENT`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
