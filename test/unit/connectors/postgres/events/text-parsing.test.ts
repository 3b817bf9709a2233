/** Edge cases of the pgoutput text parsers. */
import { BigDecimal, DataError } from '../../../../../connect-runtime/api';
import {
  civilFromDays,
  daysFromCivil,
  formatZonedTimestamp,
  intervalToIsoString,
  intervalToMicroDuration,
  nameUuidFromBytes,
  parseArrayLiteral,
  parseFlatArrayLiteral,
  parseHstore,
  parsePgBits,
  parsePgBytea,
  parsePgDate,
  parsePgInterval,
  parsePgMoney,
  parsePgNumeric,
  parsePgPoint,
  parsePgTime,
  parsePgTimestamp,
  parsePgTimestamptz,
  pgTimetzToZonedTime,
  setScaleHalfUp,
  stripTrailingZeros,
} from '../../../../../connectors/postgres/events';

describe('array literals', () => {
  test.each([
    ['{}', []],
    ['{1,2,NULL}', ['1', '2', null]],
    ['{null,Null}', [null, null]],
    ['{"NULL",""}', ['NULL', '']],
    ['{"a,b","{x}","say \\"hi\\"","back\\\\slash"}', ['a,b', '{x}', 'say "hi"', 'back\\slash']],
    ['{ a , b c }', ['a', 'b c']],
    ['{a\\,b,c\\ }', ['a,b', 'c ']],
    ['{"  padded  "}', ['  padded  ']],
    ['[0:2]={7,8,9}', ['7', '8', '9']],
    ['{"2024-01-01 00:00:00+00","x y"}', ['2024-01-01 00:00:00+00', 'x y']],
  ])('%s', (text, expected) => {
    expect(parseFlatArrayLiteral(text)).toEqual(expected);
  });

  test('multi-dimensional arrays parse as nested arrays, and are rejected where a flat one is needed', () => {
    expect(parseArrayLiteral('{{1,2},{3,NULL}}')).toEqual([['1', '2'], ['3', null]]);
    expect(parseArrayLiteral('[1:1][0:1]={{1,2}}')).toEqual([['1', '2']]);
    expect(() => parseFlatArrayLiteral('{{1,2},{3,4}}')).toThrow(/Multi-dimensional/);
  });

  test('a custom delimiter (box uses ;)', () => {
    expect(parseArrayLiteral('{(1,1),(0,0);(2,2),(1,1)}', ';')).toEqual(['(1,1),(0,0)', '(2,2),(1,1)']);
  });

  test.each(['', '{', '{1,2', '{1,,2}', '{"a"b}', '{a}x', '[1:2={1}', '{"unterminated}'])('rejects %j', (text) => {
    expect(() => parseArrayLiteral(text)).toThrow(DataError);
  });
});

describe('dates and timestamps', () => {
  test('the proleptic Gregorian calendar round-trips over the whole PostgreSQL range', () => {
    for (const [y, m, d] of [[1970, 1, 1], [2000, 2, 29], [1900, 3, 1], [0, 1, 1], [-4712, 1, 1], [5874897, 12, 31], [-1, 12, 31]]) {
      expect(civilFromDays(daysFromCivil(y as number, m as number, d as number))).toEqual({ year: y, month: m, day: d });
    }
    expect(daysFromCivil(2024, 5, 1)).toBe(19844);
  });

  test('dates: BC is astronomical year 1 - N, infinities are kept', () => {
    expect(parsePgDate('0001-01-01')).toBe(-719162);
    expect(parsePgDate('0001-12-31 BC')).toBe(-719163);
    expect(parsePgDate('4714-11-24 BC')).toBe(daysFromCivil(-4713, 11, 24));
    expect(parsePgDate('5874897-12-31')).toBe(2145042905);
    expect(parsePgDate('infinity')).toBe('infinity');
    expect(parsePgDate('-infinity')).toBe('-infinity');
    for (const bad of ['2024-13-01', '2024/01/01', '01-02-2024', 'today']) expect(() => parsePgDate(bad)).toThrow(DataError);
  });

  test('timestamps are exact microseconds as bigint, beyond 2^53', () => {
    const big = parsePgTimestamp('2262-04-12 00:00:00.000001') as bigint;
    expect(big).toBe(9223372800000001n);
    expect(big > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(parsePgTimestamp('294276-12-31 23:59:59.999999')).toBe(9224318015999999999n);
    expect(parsePgTimestamp('1970-01-01 00:00:00.5')).toBe(500000n);
    expect(parsePgTimestamp('1969-12-31 23:59:59.999999')).toBe(-1n);
    expect(parsePgTimestamp('0001-01-01 00:00:00 BC')).toBe(-62167219200000000n);
    expect(() => parsePgTimestamp('2024-01-01 00:00:00+00')).toThrow(DataError);
  });

  test('timestamptz: offsets with minutes and seconds, BC, infinity', () => {
    expect(parsePgTimestamptz('2024-01-02 03:04:05.123456+01')).toBe(1704161045123456n);
    expect(parsePgTimestamptz('2024-01-02 03:04:05-02:30')).toBe(1704173645000000n);
    expect(parsePgTimestamptz('1900-01-01 00:00:00+00:01:15')).toBe(-2208988875000000n);
    expect(parsePgTimestamptz('0044-03-15 12:00:00+00 BC')).toBe(BigInt(daysFromCivil(-43, 3, 15)) * 86400000000n + 43200000000n);
    expect(parsePgTimestamptz('infinity')).toBe('infinity');
    expect(() => parsePgTimestamptz('2024-01-02 03:04:05')).toThrow(DataError);
  });

  test('ZonedTimestamp formatting follows java.time: years, fraction width', () => {
    expect(formatZonedTimestamp(0n, 6)).toBe('1970-01-01T00:00:00.000000Z');
    expect(formatZonedTimestamp(0n, undefined)).toBe('1970-01-01T00:00:00Z');
    expect(formatZonedTimestamp(1500n, undefined)).toBe('1970-01-01T00:00:00.0015Z');
    expect(formatZonedTimestamp(-1n, 3)).toBe('1969-12-31T23:59:59.999Z');
    expect(formatZonedTimestamp(253402300800000000n, 0)).toBe('+10000-01-01T00:00:00Z');
    expect(formatZonedTimestamp(-62167219200000000n, 6)).toBe('0000-01-01T00:00:00.000000Z');
    expect(formatZonedTimestamp(-62198755200000000n, 6)).toBe('-0001-01-01T00:00:00.000000Z');
  });

  test('time and timetz', () => {
    expect(parsePgTime('24:00:00')).toBe(86400000000n);
    expect(parsePgTime('13:51:30.5')).toBe(49890500000n);
    expect(parsePgTime('00:00:00.000001')).toBe(1n);
    expect(pgTimetzToZonedTime('10:15:30.5+05:30')).toBe('04:45:30.5Z');
    expect(pgTimetzToZonedTime('23:30:00-01')).toBe('00:30:00Z');
    expect(pgTimetzToZonedTime('24:00:00.000+00:00')).toBe('24:00:00Z');
    expect(() => parsePgTime('noon')).toThrow(DataError);
    expect(() => pgTimetzToZonedTime('10:15:30')).toThrow(DataError);
  });
});

describe('numeric and money', () => {
  test('numeric specials and large values stay exact', () => {
    expect(parsePgNumeric('NaN')).toBe('NaN');
    expect(parsePgNumeric('Infinity')).toBe('Infinity');
    expect(parsePgNumeric('-Infinity')).toBe('-Infinity');
    const huge = `${'9'.repeat(100)}.${'1'.repeat(50)}`;
    const parsed = parsePgNumeric(huge) as BigDecimal;
    expect(parsed.scale).toBe(50);
    expect(parsed.toPlainString()).toBe(huge);
    expect((parsePgNumeric('-0.00') as BigDecimal).scale).toBe(2);
    expect(() => parsePgNumeric('12abc')).toThrow(DataError);
  });

  test('stripTrailingZeros and setScale(HALF_UP) behave like java.math.BigDecimal', () => {
    expect(stripTrailingZeros(BigDecimal.parse('1.500')).toString()).toBe('1.5');
    expect(stripTrailingZeros(BigDecimal.parse('1000'))).toEqual(new BigDecimal(1n, -3));
    expect(stripTrailingZeros(BigDecimal.parse('0.000'))).toEqual(new BigDecimal(0n, 0));
    expect(setScaleHalfUp(BigDecimal.parse('1.25'), 1).toString()).toBe('1.3');
    expect(setScaleHalfUp(BigDecimal.parse('-1.25'), 1).toString()).toBe('-1.3');
    expect(setScaleHalfUp(BigDecimal.parse('1.24'), 1).toString()).toBe('1.2');
    expect(setScaleHalfUp(BigDecimal.parse('7'), 2).toString()).toBe('7.00');
  });

  test.each([
    ['$1,234.56', '1234.56'],
    ['-$1,234.56', '-1234.56'],
    ['($1,234.56)', '-1234.56'],
    ['$-1,234.56', '-1234.56'],
    ['1234.5', '1234.5'],
    ['€ 12.00', '12.00'],
    ['$0.01', '0.01'],
  ])('money %s', (text, expected) => {
    expect(parsePgMoney(text).toString()).toBe(expected);
  });

  test.each(['1.234,56 €', 'abc', '$', '$1,23.00'])('money %j is rejected rather than misread', (text) => {
    expect(() => parsePgMoney(text)).toThrow(DataError);
  });
});

describe('intervals', () => {
  test.each([
    ['1 year 2 mons 3 days 04:05:06.78', { years: 1, months: 2, days: 3, hours: 4, minutes: 5, wholeSeconds: 6, microSeconds: 780000 }],
    ['@ 1 year 2 mons 3 days 4 hours 5 mins 6.78 secs', { years: 1, months: 2, days: 3, hours: 4, minutes: 5, wholeSeconds: 6, microSeconds: 780000 }],
    ['@ 3 days 5 mins ago', { years: 0, months: 0, days: -3, hours: 0, minutes: -5, wholeSeconds: 0, microSeconds: 0 }],
    ['P1Y2M3DT4H5M6.78S', { years: 1, months: 2, days: 3, hours: 4, minutes: 5, wholeSeconds: 6, microSeconds: 780000 }],
    ['P-1Y-2M3DT-4H-5M-6.78S', { years: -1, months: -2, days: 3, hours: -4, minutes: -5, wholeSeconds: -6, microSeconds: -780000 }],
    ['PT0S', { years: 0, months: 0, days: 0, hours: 0, minutes: 0, wholeSeconds: 0, microSeconds: 0 }],
    ['-00:00:00.5', { years: 0, months: 0, days: 0, hours: 0, minutes: 0, wholeSeconds: 0, microSeconds: -500000 }],
    ['1000000 days', { years: 0, months: 0, days: 1000000, hours: 0, minutes: 0, wholeSeconds: 0, microSeconds: 0 }],
  ])('%s', (text, parts) => {
    expect(parsePgInterval(text)).toEqual(parts);
  });

  test('MicroDuration uses 365.25/12-day months; Interval strings drop trailing zeros', () => {
    expect(intervalToMicroDuration(parsePgInterval('1 mon'))).toBe(2629800000000n);
    // Beyond the int64 range Java's (long) cast saturates.
    expect(intervalToMicroDuration(parsePgInterval('178000000 years'))).toBe(2n ** 63n - 1n);
    expect(intervalToIsoString(parsePgInterval('00:00:01.500'))).toBe('P0Y0M0DT0H0M1.5S');
    expect(intervalToIsoString(parsePgInterval('-00:00:00.5'))).toBe('P0Y0M0DT0H0M-0.5S');
  });
});

describe('bytea, bits, point, hstore', () => {
  test('bytea hex and escape formats', () => {
    expect(parsePgBytea('\\x')).toEqual(Buffer.alloc(0));
    expect(parsePgBytea('\\xDEADbeef')).toEqual(Buffer.from([0xde, 0xad, 0xbe, 0xef]));
    expect(parsePgBytea('a\\000b\\\\\\377')).toEqual(Buffer.from([0x61, 0, 0x62, 0x5c, 0xff]));
    expect(() => parsePgBytea('\\x0')).toThrow(DataError);
  });

  test('bits are little-endian and trimmed after the highest set bit', () => {
    expect(parsePgBits('11')).toEqual(Buffer.from([3]));
    expect(parsePgBits('0000000100000010')).toEqual(Buffer.from([2, 1]));
    expect(parsePgBits('000')).toEqual(Buffer.alloc(0));
    // Debezium's own fixture: '111011010001000110000001000000001' → {1, 2, 35, -38, 1}.
    expect(parsePgBits('111011010001000110000001000000001')).toEqual(Buffer.from([1, 2, 35, 256 - 38, 1]));
    expect(parsePgBits(`1${'0'.repeat(63)}`)).toEqual(Buffer.from([0, 0, 0, 0, 0, 0, 0, 0x80]));
  });

  test('points', () => {
    expect(parsePgPoint('(1.5,-2)')).toEqual({ x: 1.5, y: -2 });
    expect(parsePgPoint('(1e+20,0)')).toEqual({ x: 1e20, y: 0 });
    expect(() => parsePgPoint('(1;2)')).toThrow(DataError);
  });

  test('hstore', () => {
    const entries = parseHstore('"a"=>"1", "b"=>NULL, "c"=>"NULL", "d\\"q"=>"x\\\\y"');
    expect(new Map(entries)).toEqual(
      new Map([
        ['a', '1'],
        ['b', null],
        ['c', 'NULL'],
        ['d"q', 'x\\y'],
      ]),
    );
    // Entries come in java.util.HashMap iteration order, not in the printed order.
    expect(entries.map(([k]) => k)).toEqual(['a', 'b', 'd"q', 'c']);
    expect(() => parseHstore('"a"=>')).toThrow(DataError);
    expect(() => parseHstore('a=>b')).toThrow(DataError);
  });

  test('name-based UUIDs match java.util.UUID.nameUUIDFromBytes', () => {
    expect(nameUuidFromBytes(Buffer.from('test'))).toBe('098f6bcd-4621-3373-8ade-4e832627b4f6');
  });
});
