import {
  BigDecimal,
  bigIntToTwosComplement,
  ConnectDate,
  ConnectTime,
  ConnectTimestamp,
  DataError,
  Decimal,
  formatJavaDouble,
  formatJavaFloat,
  twosComplementToBigInt,
} from '../../../../connect-runtime/api';

describe('BigDecimal', () => {
  test.each([
    ['12.34', 1234n, 2],
    ['-0.5', -5n, 1],
    ['1E+3', 1n, -3],
    ['1e-3', 1n, 3],
    ['.5', 5n, 1],
    ['3.', 3n, 0],
    ['+7', 7n, 0],
    ['12.340', 12340n, 3],
  ])('parse(%s)', (text, unscaled, scale) => {
    const d = BigDecimal.parse(text);
    expect(d.unscaled).toBe(unscaled);
    expect(d.scale).toBe(scale);
  });

  test('rejects malformed text', () => {
    expect(() => BigDecimal.parse('1.2.3')).toThrow(DataError);
    expect(() => BigDecimal.parse('')).toThrow(DataError);
    expect(() => BigDecimal.parse('abc')).toThrow(DataError);
  });

  // Expected strings are Java's BigDecimal.toString for the same unscaled value and scale.
  test.each([
    [1234n, 2, '12.34'],
    [-5n, 1, '-0.5'],
    [1n, -3, '1E+3'],
    [123n, -2, '1.23E+4'],
    [1n, 7, '1E-7'],
    [1n, 6, '0.000001'],
    [12n, 8, '1.2E-7'],
    [0n, 2, '0.00'],
    [0n, -2, '0E+2'],
    [42n, 0, '42'],
  ])('toString(%s, %s) = %s', (unscaled, scale, expected) => {
    expect(new BigDecimal(unscaled, scale).toString()).toBe(expected);
  });

  test('plain string, scale changes and comparisons', () => {
    expect(new BigDecimal(1n, 7).toPlainString()).toBe('0.0000001');
    expect(new BigDecimal(12n, -3).toPlainString()).toBe('12000');
    expect(BigDecimal.parse('1.5').withScale(3).toString()).toBe('1.500');
    expect(() => BigDecimal.parse('1.55').withScale(1)).toThrow(/without rounding/);
    expect(BigDecimal.parse('1.50').equals(BigDecimal.parse('1.5'))).toBe(false);
    expect(BigDecimal.parse('1.50').compareTo(BigDecimal.parse('1.5'))).toBe(0);
    expect(BigDecimal.fromNumber(1).toString()).toBe('1.0');
    expect(BigDecimal.fromNumber(0.1).toString()).toBe('0.1');
    expect(JSON.stringify({ d: BigDecimal.parse('9.99') })).toBe('{"d":"9.99"}');
  });
});

describe('Decimal logical type', () => {
  test('schema shape', () => {
    const schema = Decimal.schema(2);
    expect(schema.type).toBe('BYTES');
    expect(schema.name).toBe('org.apache.kafka.connect.data.Decimal');
    expect(schema.version).toBe(1);
    expect(schema.parameters).toEqual({ scale: '2' });
  });

  test('12.34 at scale 2 is "BNI=" and 1.56 is "AJw="', () => {
    expect(Decimal.fromLogical(Decimal.schema(2), BigDecimal.parse('12.34')).toString('base64')).toBe('BNI=');
    expect(Decimal.fromLogical(Decimal.schema(2), BigDecimal.parse('1.56')).toString('base64')).toBe('AJw=');
    expect(Decimal.toLogical(Decimal.schema(2), Buffer.from('BNI=', 'base64')).toString()).toBe('12.34');
  });

  test('scale must match the schema', () => {
    expect(() => Decimal.fromLogical(Decimal.schema(2), BigDecimal.parse('1.5'))).toThrow(DataError);
    expect(() => Decimal.scaleOf(Decimal.builder(1).build())).not.toThrow();
  });

  // Java's BigInteger.toByteArray: minimal two's complement, big-endian.
  test.each([
    [0n, [0x00]],
    [1n, [0x01]],
    [-1n, [0xff]],
    [127n, [0x7f]],
    [128n, [0x00, 0x80]],
    [-128n, [0x80]],
    [-129n, [0xff, 0x7f]],
    [255n, [0x00, 0xff]],
    [65536n, [0x01, 0x00, 0x00]],
    [-(2n ** 63n), [0x80, 0, 0, 0, 0, 0, 0, 0]],
  ])('two’s complement of %s', (value, bytes) => {
    expect([...bigIntToTwosComplement(value)]).toEqual(bytes);
    expect(twosComplementToBigInt(Uint8Array.from(bytes))).toBe(value);
  });

  test('large values round-trip', () => {
    const big = 123456789012345678901234567890n;
    expect(twosComplementToBigInt(bigIntToTwosComplement(-big))).toBe(-big);
  });
});

describe('Date, Time and Timestamp', () => {
  test('Date is days since the epoch and must be midnight UTC', () => {
    const day = new Date(Date.UTC(2024, 0, 2));
    expect(ConnectDate.fromLogical(ConnectDate.SCHEMA, day)).toBe(19724);
    expect(ConnectDate.toLogical(ConnectDate.SCHEMA, 19724).getTime()).toBe(day.getTime());
    expect(ConnectDate.fromLogical(ConnectDate.SCHEMA, new Date(Date.UTC(1969, 11, 31)))).toBe(-1);
    expect(() => ConnectDate.fromLogical(ConnectDate.SCHEMA, new Date(Date.UTC(2024, 0, 2, 1)))).toThrow(DataError);
    expect(ConnectDate.SCHEMA.type).toBe('INT32');
    expect(ConnectDate.SCHEMA.name).toBe('org.apache.kafka.connect.data.Date');
  });

  test('Time is milliseconds since midnight on 1970-01-01', () => {
    expect(ConnectTime.fromLogical(ConnectTime.SCHEMA, new Date(45296789))).toBe(45296789);
    expect(() => ConnectTime.fromLogical(ConnectTime.SCHEMA, new Date(Date.UTC(2024, 0, 2)))).toThrow(DataError);
    expect(() => ConnectTime.toLogical(ConnectTime.SCHEMA, 86400000)).toThrow(DataError);
  });

  test('Timestamp is milliseconds since the epoch as INT64', () => {
    expect(ConnectTimestamp.SCHEMA.type).toBe('INT64');
    expect(ConnectTimestamp.fromLogical(ConnectTimestamp.SCHEMA, new Date(1700000000000))).toBe(1700000000000);
    expect(ConnectTimestamp.toLogical(ConnectTimestamp.SCHEMA, 1700000000000n).getTime()).toBe(1700000000000);
    expect(() => ConnectTimestamp.fromLogical(ConnectDate.SCHEMA, new Date(0))).toThrow(/schema does not match/);
  });
});

describe('Java number formatting', () => {
  // Expected strings are what Java's Double.toString prints.
  test.each([
    [1, '1.0'],
    [-1.5, '-1.5'],
    [0, '0.0'],
    [-0, '-0.0'],
    [0.001, '0.001'],
    [0.0001, '1.0E-4'],
    [1234567.5, '1234567.5'],
    [1e7, '1.0E7'],
    [12345678.5, '1.23456785E7'],
    [1.5e300, '1.5E300'],
    [5e-324, '4.9E-324'],
    [0.1, '0.1'],
    [100, '100.0'],
    [NaN, 'NaN'],
    [Infinity, 'Infinity'],
  ])('double %s → %s', (value, expected) => {
    expect(formatJavaDouble(value)).toBe(expected);
  });

  // Expected strings are what Java's Float.toString prints.
  test.each([
    [0.1, '0.1'],
    [1, '1.0'],
    [3.4028234663852886e38, '3.4028235E38'],
    [1.1, '1.1'],
    [16777217, '1.6777216E7'],
    [0.3333333333, '0.33333334'],
    [1.401298464324817e-45, '1.4E-45'],
  ])('float %s → %s', (value, expected) => {
    expect(formatJavaFloat(value)).toBe(expected);
  });
});
