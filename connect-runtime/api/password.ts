/**
 * A secret configuration value (ConfigDef type PASSWORD). Every rendering of it — String(), JSON, util.inspect and
 * so pino logs and REST bodies — shows `[hidden]`; only value() returns the secret.
 */
import { inspect } from 'node:util';

export const HIDDEN = '[hidden]';

export class Password {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret itself. Never log it. */
  value(): string {
    return this.#value;
  }

  equals(other: unknown): boolean {
    return other instanceof Password && other.#value === this.#value;
  }

  toString(): string {
    return HIDDEN;
  }

  toJSON(): string {
    return HIDDEN;
  }

  [inspect.custom](): string {
    return HIDDEN;
  }
}
