import { compareLsn, formatLsn, INVALID_LSN, isLsn, maxLsn, MAX_LSN, minLsn, parseLsn } from '../../../../../connectors/postgres/replication/lsn';
import { pgMicrosNow, pgMicrosToDate, pgMicrosToUnixMicros, PG_EPOCH_UNIX_MICROS, unixMicrosToPgMicros } from '../../../../../connectors/postgres/replication/pg-time';

describe('LSN', () => {
  it('parses the server text form into the 64-bit position', () => {
    expect(parseLsn('16/B374D848')).toBe(0x16_b374_d848n);
    expect(parseLsn('0/0')).toBe(INVALID_LSN);
    expect(parseLsn('0/1501190')).toBe(0x150_1190n);
    expect(parseLsn('FFFFFFFF/FFFFFFFF')).toBe(MAX_LSN);
    expect(parseLsn(' 0/00000010 ')).toBe(16n);
    expect(parseLsn('a/b')).toBe((10n << 32n) | 11n);
  });

  it('rejects text that is not an LSN, naming the input', () => {
    for (const bad of ['', '16', '16/', '/1', 'G/1', '1/123456789', '1-2', '16/B374D848/1']) {
      expect(() => parseLsn(bad)).toThrow(`invalid LSN ${JSON.stringify(bad)}`);
    }
  });

  it('formats like the server (upper-case hex, unpadded) and round-trips', () => {
    expect(formatLsn(0x16_b374_d848n)).toBe('16/B374D848');
    expect(formatLsn(0n)).toBe('0/0');
    expect(formatLsn(0x1_0000_0000n)).toBe('1/0');
    expect(formatLsn(MAX_LSN)).toBe('FFFFFFFF/FFFFFFFF');
    for (const text of ['0/1', '3/0', '16/B374D848', 'ABCDEF01/2']) expect(formatLsn(parseLsn(text))).toBe(text);
    expect(() => formatLsn(-1n)).toThrow('LSN must be a bigint between 0 and 2^64-1');
    expect(() => formatLsn(MAX_LSN + 1n)).toThrow(RangeError);
  });

  it('compares as values, not as text', () => {
    const small = parseLsn('0/FFFFFFFF');
    const big = parseLsn('1/0');
    expect(compareLsn(small, big)).toBeLessThan(0);
    expect(compareLsn(big, small)).toBeGreaterThan(0);
    expect(compareLsn(big, parseLsn('1/00000000'))).toBe(0);
    expect([big, small, 5n].sort(compareLsn)).toEqual([5n, small, big]);
    expect(maxLsn(small, big)).toBe(big);
    expect(minLsn(small, big)).toBe(small);
    expect(isLsn(5n)).toBe(true);
    expect(isLsn(5)).toBe(false);
    expect(isLsn(-1n)).toBe(false);
  });
});

describe('PostgreSQL timestamps', () => {
  it('counts microseconds from 2000-01-01 UTC', () => {
    expect(PG_EPOCH_UNIX_MICROS).toBe(BigInt(Date.UTC(2000, 0, 1)) * 1000n);
    expect(pgMicrosToDate(0n).toISOString()).toBe('2000-01-01T00:00:00.000Z');
    expect(pgMicrosToDate(757_382_400_000_000n).toISOString()).toBe('2024-01-01T00:00:00.000Z');
    expect(pgMicrosToUnixMicros(1n)).toBe(PG_EPOCH_UNIX_MICROS + 1n);
    expect(unixMicrosToPgMicros(PG_EPOCH_UNIX_MICROS)).toBe(0n);
    expect(pgMicrosNow(Date.UTC(2000, 0, 1, 0, 0, 1))).toBe(1_000_000n);
  });
});
