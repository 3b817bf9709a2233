/** Logging for the file connectors: the few pino methods they use, so a caller can hand in any pino logger. */
import pino from 'pino';

export interface FileConnectorLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** A pino logger named after the plugin class, used when none is handed in. */
export function defaultLogger(name: string): FileConnectorLogger {
  return pino({ name });
}
