/** RegexRouter and TimestampRouter, and the Java regex / replacement / date-pattern support behind them. */
import { type SinkRecord, type SourceRecord } from '../../../../connect-runtime/api';
import { RegexRouter, TimestampRouter } from '../../../../connect-runtime/transforms';
import { JavaDateFormat } from '../../../../connect-runtime/transforms/java-date-format';
import { compileJavaRegex, compileJavaReplacement, matchesWhole, replaceFirst } from '../../../../connect-runtime/transforms/java-regex';
import { configured, sinkRecord, sourceRecord } from './records';

describe('RegexRouter', () => {
  test('reroutes topics the whole regex matches, with group references', () => {
    const t = configured(new RegexRouter<SourceRecord>(), { regex: 'dbserver1\\.(\\w+)\\.(?<table>.*)', replacement: '$1_${table}' });
    const out = t.apply(sourceRecord({ topic: 'dbserver1.public.customers', value: 'v' })) as SourceRecord;
    expect(out.topic).toBe('public_customers');
    expect(out.sourcePartition).toEqual({ p: 1 });
    const other = sourceRecord({ topic: 'xdbserver1.public.customers' });
    expect(t.apply(other)).toBe(other);
    expect(t.apply(sourceRecord({ topic: 'dbserver1.public.customers' }))?.topic).toBe('public_customers');
  });

  test('replaceFirst after matches(): the leftmost match is replaced, not the whole topic', () => {
    const t = configured(new RegexRouter<SinkRecord>(), { regex: 'a|ab', replacement: 'X' });
    expect(t.apply(sinkRecord({ topic: 'ab' }))?.topic).toBe('Xb');
  });

  test('config errors', () => {
    expect(() => configured(new RegexRouter(), { replacement: 'x' })).toThrow(/Missing required configuration "regex"/);
    expect(() => configured(new RegexRouter(), { regex: '(', replacement: 'x' })).toThrow(/Invalid value \( for configuration regex: Invalid regex/);
    expect(() => configured(new RegexRouter(), { regex: '(a)', replacement: '$2' })).toThrow(/configuration replacement: No group 2/);
    expect(() => configured(new RegexRouter(), { regex: 'a', replacement: '$x' })).toThrow(/Illegal group reference/);
  });
});

describe('Java regex support', () => {
  test('inline flags, quoting and anchors', () => {
    expect(matchesWhole(compileJavaRegex('(?i)ORDERS'), 'orders')).toBe(true);
    expect(matchesWhole(compileJavaRegex('\\Qa.b\\E'), 'a.b')).toBe(true);
    expect(matchesWhole(compileJavaRegex('\\Qa.b\\E'), 'axb')).toBe(false);
    expect(matchesWhole(compileJavaRegex('\\Aab\\z'), 'ab')).toBe(true);
    expect(matchesWhole(compileJavaRegex('a.*'), 'a\nb')).toBe(false);
    expect(matchesWhole(compileJavaRegex('(?s)a.*'), 'a\nb')).toBe(true);
  });

  test('replacement strings follow Matcher.appendReplacement', () => {
    const regex = compileJavaRegex('(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)');
    expect(replaceFirst(regex, 'abcdefghijk', compileJavaReplacement('$11-$1\\$-$10', regex))).toBe('k-a$-j');
    const two = compileJavaRegex('(x)(y)');
    expect(replaceFirst(two, 'xy', compileJavaReplacement('$12', two))).toBe('x2');
    expect(() => compileJavaReplacement('a\\', two)).toThrow(/character to be escaped is missing/);
    expect(() => compileJavaReplacement('${nope}', two)).toThrow(/No group with name \{nope\}/);
  });
});

describe('TimestampRouter', () => {
  test('formats the timestamp into the topic in UTC', () => {
    const t = configured(new TimestampRouter<SinkRecord>(), {});
    expect(t.apply(sinkRecord({ timestamp: Date.UTC(2024, 0, 31, 23, 59) }))?.topic).toBe('orders-20240131');
    expect(t.apply(sinkRecord({ timestamp: Date.UTC(2024, 0, 31, 0, 0) }))?.topic).toBe('orders-20240131');
    expect(t.apply(sinkRecord({ timestamp: Date.UTC(2024, 1, 1, 0, 0) }))?.topic).toBe('orders-20240201');
    expect(t.apply(sinkRecord({ topic: 'items', timestamp: Date.UTC(2024, 1, 1, 0, 0) }))?.topic).toBe('items-20240201');
    const custom = configured(new TimestampRouter<SinkRecord>(), { 'topic.format': 'x_${timestamp}_${topic}', 'timestamp.format': "yyyy-MM-dd'T'HH" });
    expect(custom.apply(sinkRecord({ timestamp: Date.UTC(2024, 5, 1, 7) }))?.topic).toBe('x_2024-06-01T07_orders');
  });

  test('errors', () => {
    const t = configured(new TimestampRouter<SinkRecord>(), {});
    expect(() => t.apply(sinkRecord({ timestamp: null }))).toThrow(/Timestamp missing on record/);
    expect(() => configured(new TimestampRouter(), { 'timestamp.format': 'yyyyQQ' })).toThrow(/Illegal pattern character 'Q'/);
  });
});

describe('SimpleDateFormat patterns', () => {
  const at = Date.UTC(2024, 1, 29, 13, 5, 9, 7);

  test('formatting', () => {
    expect(JavaDateFormat.compile("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").format(at)).toBe('2024-02-29T13:05:09.007Z');
    expect(JavaDateFormat.compile("EEE, d MMM yy h:mm a ''z'' Z").format(at)).toBe("Thu, 29 Feb 24 1:05 PM 'UTC' +0000");
    expect(JavaDateFormat.compile('EEEE MMMM D w u k K G').format(at)).toBe('Thursday February 60 9 4 13 1 AD');
    expect(() => JavaDateFormat.compile("yyyy'")).toThrow(/Unterminated quote/);
  });

  test('parsing', () => {
    expect(JavaDateFormat.compile('yyyyMMddHHmmss').parse('20240229130509')).toBe(Date.UTC(2024, 1, 29, 13, 5, 9));
    expect(JavaDateFormat.compile("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").parse('2024-02-29T13:05:09.007+01:00')).toBe(at - 3_600_000);
    expect(JavaDateFormat.compile('d MMM yyyy hh:mm a').parse('29 feb 2024 01:05 PM')).toBe(Date.UTC(2024, 1, 29, 13, 5));
    expect(JavaDateFormat.compile('yyyy-MM-dd').parse('2024-13-01 trailing')).toBe(Date.UTC(2025, 0, 1));
    expect(() => JavaDateFormat.compile('yyyy-MM-dd').parse('2024/01/01')).toThrow(/Unparseable date/);
  });
});
