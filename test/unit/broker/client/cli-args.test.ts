import { parseBootstrapServers } from '../../../../broker/client/metadata';
import type { ConsumedRecord } from '../../../../broker/client/record-batch-reader';
import { UsageError, parseAcks, parseArgs, parseKeyValues, type FlagSpec } from '../../../../bin/commands/args';
import { LineSplitter, lineReaderOptions, parseLine } from '../../../../bin/commands/console-producer';
import { parsePartitionList, parseTime } from '../../../../bin/commands/get-offsets';
import { formatRecord, formatterOptions } from '../../../../bin/commands/message-formatter';

const SPECS: FlagSpec[] = [
  { name: 'bootstrap-server', kind: 'value', description: '', aliases: ['broker-list'] },
  { name: 'property', kind: 'list', description: '' },
  { name: 'producer-props', kind: 'multi', description: '' },
  { name: 'compression-codec', kind: 'value', implicit: 'gzip', description: '' },
  { name: 'from-beginning', kind: 'boolean', description: '' },
  { name: 'topic', kind: 'value', description: '' },
];

describe('tool flag parsing', () => {
  test('values, --flag=value, aliases, repeatable and multi-value flags', () => {
    const a = parseArgs(
      ['--broker-list', 'h:1', '--property', 'print.key=true', '--property=key.separator=:', '--producer-props', 'acks=1', 'batch.size=10', '--from-beginning', '--topic=t'],
      SPECS,
    );
    expect(a.value('bootstrap-server')).toBe('h:1');
    expect(a.list('property')).toEqual(['print.key=true', 'key.separator=:']);
    expect(a.list('producer-props')).toEqual(['acks=1', 'batch.size=10']);
    expect(a.has('from-beginning')).toBe(true);
    expect(a.required('topic')).toBe('t');
    expect(parseKeyValues(a.list('property'), 'property')).toEqual({ 'print.key': 'true', 'key.separator': ':' });
  });

  test('a flag with an optional value takes its implicit value when followed by another flag', () => {
    expect(parseArgs(['--compression-codec', '--topic', 't'], SPECS).value('compression-codec')).toBe('gzip');
    expect(parseArgs(['--compression-codec', 'zstd'], SPECS).value('compression-codec')).toBe('zstd');
  });

  test('unknown flags, missing values and missing required flags are usage errors', () => {
    expect(() => parseArgs(['--nope'], SPECS)).toThrow(new UsageError('Unrecognized option: --nope'));
    expect(() => parseArgs(['--topic'], SPECS)).toThrow(UsageError);
    expect(() => parseArgs(['--producer-props'], SPECS)).toThrow(UsageError);
    expect(() => parseArgs(['--from-beginning=yes'], SPECS)).toThrow(UsageError);
    expect(() => parseArgs([], SPECS).required('topic')).toThrow('Missing required argument "--topic"');
    expect(() => parseArgs(['--topic', 'x'], SPECS).int('topic')).toThrow(UsageError);
    expect(() => parseKeyValues(['novalue'], 'config')).toThrow('--config expects key=value, got "novalue"');
  });

  test('acks, partitions lists, times and bootstrap servers', () => {
    expect([parseAcks('all'), parseAcks('-1'), parseAcks('0'), parseAcks('1'), parseAcks(undefined)]).toEqual([-1, -1, 0, 1, -1]);
    expect(() => parseAcks('2')).toThrow(UsageError);
    expect([...parsePartitionList('0, 2,4-6')]).toEqual([0, 2, 4, 5, 6]);
    expect(() => parsePartitionList('a')).toThrow(UsageError);
    expect([parseTime(undefined), parseTime('-2'), parseTime('earliest'), parseTime('1700000000000')]).toEqual([-1, -2, -2, 1700000000000]);
    expect(() => parseTime('-3')).toThrow(UsageError);
    expect(parseBootstrapServers('a:1, PLAINTEXT://b:2,[::1]:3')).toEqual([
      { host: 'a', port: 1 },
      { host: 'b', port: 2 },
      { host: '::1', port: 3 },
    ]);
    expect(() => parseBootstrapServers('nohost')).toThrow(/expected host:port/);
    expect(() => parseBootstrapServers(' , ')).toThrow(/empty/);
  });
});

describe("console-producer line reader (Kafka's LineMessageReader)", () => {
  const text = (b: Buffer | null): string | null => (b === null ? null : b.toString());

  test('plain lines are values with null keys', () => {
    const r = parseLine(Buffer.from('hello:world'), 1, lineReaderOptions({}));
    expect([text(r.key), text(r.value), r.headers]).toEqual([null, 'hello:world', []]);
  });

  test('parse.key splits at the first separator; a missing separator is an error unless ignore.error', () => {
    const o = lineReaderOptions({ 'parse.key': 'true', 'key.separator': ':' });
    const r = parseLine(Buffer.from('k:v:w'), 1, o);
    expect([text(r.key), text(r.value)]).toEqual(['k', 'v:w']);
    expect(() => parseLine(Buffer.from('nokey'), 7, o)).toThrow("No key separator found on line number 7: 'nokey'");
    const lenient = parseLine(Buffer.from('nokey'), 7, lineReaderOptions({ 'parse.key': 'true', 'ignore.error': 'true' }));
    expect([text(lenient.key), text(lenient.value)]).toEqual([null, 'nokey']);
  });

  test('headers and null.marker', () => {
    const o = lineReaderOptions({ 'parse.key': 'true', 'parse.headers': 'true', 'null.marker': 'NULL' });
    const r = parseLine(Buffer.from('h1:a,h2:NULL\tNULL\tvalue'), 1, o);
    expect(r.headers.map(([k, v]) => [k, text(v)])).toEqual([
      ['h1', 'a'],
      ['h2', null],
    ]);
    expect([text(r.key), text(r.value)]).toEqual([null, 'value']);
    expect(text(parseLine(Buffer.from('NULL'), 1, lineReaderOptions({ 'null.marker': 'NULL' })).value)).toBeNull();
  });

  test('lines split across chunks, CRLF endings and a last line without newline', () => {
    const s = new LineSplitter();
    const out: string[] = [];
    const on = (l: Buffer): void => {
      out.push(l.toString());
    };
    s.push(Buffer.from('one\r\ntw'), on);
    s.push(Buffer.from('o\n\nthr'), on);
    s.push(Buffer.from('ee'), on);
    s.end(on);
    expect(out).toEqual(['one', 'two', '', 'three']);
  });
});

describe("console-consumer formatter (Kafka's DefaultMessageFormatter)", () => {
  const record: ConsumedRecord = {
    offset: 5,
    timestamp: 1700000000000,
    timestampType: 'CreateTime',
    key: Buffer.from('key'),
    value: Buffer.from('value'),
    headers: [
      ['a', Buffer.from('1')],
      ['b', null],
    ],
  };
  const format = (props: Record<string, string>, r: ConsumedRecord = record): string => {
    const parts: Buffer[] = [];
    formatRecord(parts, r, 0, formatterOptions(props));
    return Buffer.concat(parts).toString();
  };

  test('value only by default; every field in Kafka order when asked', () => {
    expect(format({})).toBe('value\n');
    expect(format({ 'print.timestamp': 'true', 'print.partition': 'true', 'print.offset': 'true', 'print.key': 'true' })).toBe(
      'CreateTime:1700000000000\tPartition:0\tOffset:5\tkey\tvalue\n',
    );
    expect(format({ 'print.headers': 'true', 'print.key': 'true', 'key.separator': ' | ' })).toBe('a:1,b:null | key | value\n');
  });

  test('null keys and values print null.literal; print.value=false ends the line after the last field', () => {
    const r = { ...record, key: null, value: null, headers: [] };
    expect(format({ 'print.key': 'true' }, r)).toBe('null\tnull\n');
    expect(format({ 'print.key': 'true', 'print.value': 'false', 'print.headers': 'true' }, r)).toBe('NO_HEADERS\tnull\n');
    expect(format({ 'null.literal': '<nil>' }, r)).toBe('<nil>\n');
  });
});
