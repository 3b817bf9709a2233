/**
 * Log sequence numbers. PostgreSQL's XLogRecPtr is an unsigned 64-bit byte position in the WAL; it is kept as a
 * bigint here because positions past 2^53 occur on long-lived clusters and a JS number would silently round them.
 * The text form is two hex halves, `16/B374D848` (upper and lower 32 bits).
 */

export type Lsn = bigint;

/** InvalidXLogRecPtr: "no position". A standby status update carrying it confirms nothing. */
export const INVALID_LSN: Lsn = 0n;

export const MAX_LSN: Lsn = 0xffff_ffff_ffff_ffffn;

const LSN_TEXT = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/;

/** Parses the server's text form (`pg_lsn` output, `consistent_point`, `confirmed_flush_lsn`). */
export function parseLsn(text: string): Lsn {
  const match = LSN_TEXT.exec(text.trim());
  if (!match) throw new RangeError(`invalid LSN ${JSON.stringify(text)}: expected two hex halves such as 16/B374D848`);
  return (BigInt(`0x${match[1]!}`) << 32n) | BigInt(`0x${match[2]!}`);
}

/**
 * Formats like the server does up to PostgreSQL 18 (`%X/%X`, upper-case hex, no padding); PostgreSQL 19 pads the
 * lower half to 8 digits. Both forms parse everywhere, so compare LSNs as values, never as strings.
 */
export function formatLsn(lsn: Lsn): string {
  assertLsn(lsn);
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffff_ffffn).toString(16).toUpperCase()}`;
}

export function isLsn(value: unknown): value is Lsn {
  return typeof value === 'bigint' && value >= 0n && value <= MAX_LSN;
}

export function assertLsn(value: unknown, what = 'LSN'): asserts value is Lsn {
  if (!isLsn(value)) throw new RangeError(`${what} must be a bigint between 0 and 2^64-1, got ${String(value)}`);
}

/** Negative, zero or positive like Array.prototype.sort expects. */
export function compareLsn(a: Lsn, b: Lsn): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function maxLsn(a: Lsn, b: Lsn): Lsn {
  return a > b ? a : b;
}

export function minLsn(a: Lsn, b: Lsn): Lsn {
  return a < b ? a : b;
}
