/**
 * The Connect error catalogue. Every error raised by the connector API, the converters and the runtime carries a
 * `code` from this table and a `retriable` flag; the REST layer maps codes to HTTP statuses in one place and the
 * worker decides between redelivery and failing a task from `retriable`.
 *
 * Correspondence with Kafka Connect's Java exceptions: ConnectException → ConnectError, RetriableException →
 * RetriableError, DataException → DataError, SchemaBuilderException → SchemaBuilderError, ConfigException →
 * ConfigError, NotFoundException → NotFoundError, AlreadyExistsException → AlreadyExistsError,
 * IllegalWorkerStateException → IllegalWorkerStateError.
 */

export const ConnectErrorCode = {
  /** A fatal error in a connector, task or the framework. */
  CONNECT_ERROR: 'CONNECT_ERROR',
  /** A transient failure: the operation may succeed if retried (e.g. a sink's downstream system is unavailable). */
  RETRIABLE: 'RETRIABLE',
  /** Data does not match its schema or cannot be converted. */
  DATA_ERROR: 'DATA_ERROR',
  /** A schema was built incorrectly (invalid default, duplicate field, ...). */
  SCHEMA_BUILDER: 'SCHEMA_BUILDER',
  /** A configuration is invalid; per-key messages are in `ConfigError.fieldErrors`. */
  CONFIG_INVALID: 'CONFIG_INVALID',
  /** A connector, task, plugin or other named entity does not exist. */
  NOT_FOUND: 'NOT_FOUND',
  /** An entity that must be unique already exists. */
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  /** A request is malformed (missing body, mismatched names, ...). */
  BAD_REQUEST: 'BAD_REQUEST',
  /** The request conflicts with the current state of the cluster (e.g. a rebalance is under way). */
  CONFLICT: 'CONFLICT',
  /** An operation did not complete within its deadline. */
  TIMEOUT: 'TIMEOUT',
  /** A worker-side object was used in a state that does not allow it. */
  ILLEGAL_WORKER_STATE: 'ILLEGAL_WORKER_STATE',
} as const;

export type ConnectErrorCode = (typeof ConnectErrorCode)[keyof typeof ConnectErrorCode];

/** Whether an error of the given code is retriable unless the error itself says otherwise. */
export const RETRIABLE_BY_DEFAULT: Readonly<Record<ConnectErrorCode, boolean>> = Object.freeze({
  CONNECT_ERROR: false,
  RETRIABLE: true,
  DATA_ERROR: false,
  SCHEMA_BUILDER: false,
  CONFIG_INVALID: false,
  NOT_FOUND: false,
  ALREADY_EXISTS: false,
  BAD_REQUEST: false,
  CONFLICT: true,
  TIMEOUT: true,
  ILLEGAL_WORKER_STATE: false,
});

export interface ConnectErrorOptions {
  code?: ConnectErrorCode;
  retriable?: boolean;
  cause?: unknown;
}

export class ConnectError extends Error {
  readonly code: ConnectErrorCode;
  readonly retriable: boolean;

  constructor(message: string, options: ConnectErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? ConnectErrorCode.CONNECT_ERROR;
    this.retriable = options.retriable ?? RETRIABLE_BY_DEFAULT[this.code];
  }
}

/** Thrown by plugins for transient failures; the framework retries (e.g. redelivers the batch to `SinkTask.put`). */
export class RetriableError extends ConnectError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, code: ConnectErrorCode.RETRIABLE, retriable: true });
  }
}

/** Data does not fit its schema or cannot be (de)serialized. `field` names the offending field when known. */
export class DataError extends ConnectError {
  readonly field: string | undefined;

  constructor(message: string, options: { cause?: unknown; field?: string; code?: ConnectErrorCode } = {}) {
    super(message, { cause: options.cause, code: options.code ?? ConnectErrorCode.DATA_ERROR });
    this.field = options.field;
  }
}

export class SchemaBuilderError extends DataError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, code: ConnectErrorCode.SCHEMA_BUILDER });
  }
}

/**
 * An invalid configuration. `fieldErrors` maps each offending key to its messages (Kafka's wording, e.g.
 * `Invalid value 0 for configuration tasks.max: Value must be at least 1`).
 */
export class ConfigError extends ConnectError {
  readonly fieldErrors: Readonly<Record<string, readonly string[]>>;

  constructor(message: string, options: { fieldErrors?: Record<string, readonly string[]>; cause?: unknown } = {}) {
    super(message, { cause: options.cause, code: ConnectErrorCode.CONFIG_INVALID });
    this.fieldErrors = Object.freeze({ ...(options.fieldErrors ?? {}) });
  }

  /** Kafka's ConfigException(name, value, message) wording. */
  static invalidValue(name: string, value: unknown, message?: string): ConfigError {
    const text = `Invalid value ${describeConfigValue(value)} for configuration ${name}${message ? `: ${message}` : ''}`;
    return new ConfigError(text, { fieldErrors: { [name]: [text] } });
  }
}

export class NotFoundError extends ConnectError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, code: ConnectErrorCode.NOT_FOUND });
  }
}

export class AlreadyExistsError extends ConnectError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, code: ConnectErrorCode.ALREADY_EXISTS });
  }
}

export class IllegalWorkerStateError extends ConnectError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, code: ConnectErrorCode.ILLEGAL_WORKER_STATE });
  }
}

/** True for errors that ask to be retried (a ConnectError with `retriable`). */
export function isRetriable(err: unknown): boolean {
  return err instanceof ConnectError && err.retriable;
}

/** Renders a config value the way Java's String.valueOf does for the types a ConfigDef produces. */
export function describeConfigValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map((v) => describeConfigValue(v)).join(', ')}]`;
  return String(value);
}
