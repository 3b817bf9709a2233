/**
 * `/admin/loggers` over the worker's pino logger. Kafka Connect adjusts log4j loggers by name; the worker
 * logs through one pino logger (children inherit its level), so `root` is the only named logger. Levels
 * use log4j's names: pino's `silent` is `OFF`, and `OFF`/`ALL` are accepted when setting a level.
 */
import type { Logger } from 'pino';
import { NotFoundError } from '../api';
import type { LoggerLevel } from './herder';

export const ROOT_LOGGER = 'root';

const PINO_LEVEL_OF: Readonly<Record<string, string>> = {
  OFF: 'silent',
  FATAL: 'fatal',
  ERROR: 'error',
  WARN: 'warn',
  INFO: 'info',
  DEBUG: 'debug',
  TRACE: 'trace',
  ALL: 'trace',
};

export class WorkerLoggers {
  private lastModified: number | null = null;

  constructor(private readonly logger: Logger) {}

  all(): Record<string, LoggerLevel> {
    return { [ROOT_LOGGER]: this.level(ROOT_LOGGER) };
  }

  level(name: string): LoggerLevel {
    if (name !== ROOT_LOGGER) throw new NotFoundError(`Logger ${name} not found.`);
    const level = this.logger.level === 'silent' ? 'OFF' : this.logger.level.toUpperCase();
    return { level, last_modified: this.lastModified };
  }

  /** Sets a level; returns the loggers whose level was set (Kafka: the logger and its descendants). */
  set(name: string, level: string): string[] {
    const pinoLevel = PINO_LEVEL_OF[level.toUpperCase()];
    if (pinoLevel === undefined) throw new NotFoundError(`invalid log level '${level}'.`);
    if (name !== ROOT_LOGGER) throw new NotFoundError(`Logger ${name} not found: only the ${ROOT_LOGGER} logger can be set on this worker.`);
    this.logger.level = pinoLevel;
    this.lastModified = Date.now();
    return [ROOT_LOGGER];
  }
}
