/** Debezium's and Connect's numeric time encodings as PostgreSQL input text. */
import { civilFromDays, dateText, intervalText, timestampText, timeText, Units } from '../../../../../connectors/postgres/sink/temporal-text';

test('days since the epoch become ISO dates, with BC before year 1', () => {
  expect(dateText(0)).toBe('1970-01-01');
  expect(dateText(19844)).toBe('2024-05-01');
  expect(dateText(-1)).toBe('1969-12-31');
  expect(dateText(2932896)).toBe('9999-12-31');
  expect(dateText(2932897)).toBe('10000-01-01');
  expect(dateText(-719162)).toBe('0001-01-01');
  expect(dateText(-719163)).toBe('0001-12-31 BC');
  expect(dateText(-735000)).toBe('0044-08-22 BC');
  // Every day of a 400-year cycle agrees with JavaScript's own calendar.
  for (let d = -146097; d < 146097; d += 97) {
    const js = new Date(d * 86_400_000);
    expect(civilFromDays(d)).toEqual({ year: js.getUTCFullYear(), month: js.getUTCMonth() + 1, day: js.getUTCDate() });
  }
});

test('times of day keep every digit of their unit', () => {
  expect(timeText(0, Units.MILLIS)).toBe('00:00:00');
  expect(timeText(36_930_123, Units.MILLIS)).toBe('10:15:30.123');
  expect(timeText(36_930_000_001n, Units.MICROS)).toBe('10:15:30.000001');
  expect(timeText(36_930_123_456_789n, Units.NANOS)).toBe('10:15:30.123456789');
  expect(timeText(86_400_000_000n, Units.MICROS)).toBe('24:00:00');
});

test('instants become UTC timestamps, beyond the range of a JavaScript Date and before the epoch', () => {
  expect(timestampText(1_714_558_530_123, Units.MILLIS)).toBe('2024-05-01 10:15:30.123+00');
  expect(timestampText(1_714_558_530_123_456n, Units.MICROS)).toBe('2024-05-01 10:15:30.123456+00');
  expect(timestampText(1_714_558_530_123_456_789n, Units.NANOS)).toBe('2024-05-01 10:15:30.123456789+00');
  expect(timestampText(-1, Units.MICROS)).toBe('1969-12-31 23:59:59.999999+00');
  expect(timestampText(-62_135_596_800_000_001n, Units.MICROS)).toBe('0001-12-31 23:59:59.999999+00 BC');
  expect(timestampText(253_402_300_800_000_000n, Units.MICROS)).toBe('10000-01-01 00:00:00+00');
  expect(timestampText(9223372036825200000n, Units.MICROS)).toBe('infinity');
  expect(timestampText(-9223372036832400000n, Units.MICROS)).toBe('-infinity');
});

test('microsecond durations become hour intervals', () => {
  expect(intervalText(0)).toBe('00:00:00');
  expect(intervalText(93_784_000_005)).toBe('26:03:04.000005');
  expect(intervalText(-1_500_000n)).toBe('-00:00:01.5');
});
