/** Logging for the Postgres sink: the few pino methods it uses, so a caller can hand in any pino logger. */
import pino from 'pino';

export interface PostgresSinkLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** A pino logger named after the plugin class, used when none is handed in. */
export function defaultLogger(name: string): PostgresSinkLogger {
  return pino({ name });
}
