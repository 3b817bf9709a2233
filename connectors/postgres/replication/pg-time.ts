/**
 * PostgreSQL's wire timestamps (replication frames, commit times in pgoutput) count microseconds since
 * 2000-01-01 00:00:00 UTC. They stay bigint so that no precision is lost; these helpers convert at the edges.
 */

/** Microseconds between the Unix epoch and the PostgreSQL epoch (946684800 s). */
export const PG_EPOCH_UNIX_MICROS = 946_684_800_000_000n;

export function pgMicrosToUnixMicros(pgMicros: bigint): bigint {
  return pgMicros + PG_EPOCH_UNIX_MICROS;
}

export function unixMicrosToPgMicros(unixMicros: bigint): bigint {
  return unixMicros - PG_EPOCH_UNIX_MICROS;
}

/** Millisecond precision only: a Date cannot hold the microseconds. */
export function pgMicrosToDate(pgMicros: bigint): Date {
  return new Date(Number(pgMicrosToUnixMicros(pgMicros) / 1000n));
}

/** The client clock for standby status updates. */
export function pgMicrosNow(nowMs: number = Date.now()): bigint {
  return unixMicrosToPgMicros(BigInt(Math.trunc(nowMs)) * 1000n);
}
