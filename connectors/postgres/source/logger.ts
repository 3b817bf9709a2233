/** Logging for the CDC source: the pino methods it uses, so that a caller (or a test) can hand in any pino logger. */
import pino from 'pino';

export interface SourceLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** A pino logger named after the connector class; SLUICE_LOG_LEVEL sets its level. */
export function defaultLogger(name: string): SourceLogger {
  return pino({ name, level: process.env.SLUICE_LOG_LEVEL ?? 'info' });
}
