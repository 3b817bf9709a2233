/**
 * The standard config validators of Kafka's ConfigDef, with the same messages, plus their JSON Schema keywords
 * so that ajv can enforce them.
 */
import { ConfigError } from './errors';
import type { ConfigValidator, JsonSchema } from './config-types';
import { Password } from './password';

/** The string a string validator checks: passwords are checked by their secret but reported as [hidden]. */
function text(value: unknown): unknown {
  return value instanceof Password ? value.value() : value;
}

export class Range implements ConfigValidator {
  readonly complete = true;
  readonly acceptsNull = false;

  private constructor(
    private readonly min: number | undefined,
    private readonly max: number | undefined,
  ) {}

  static atLeast(min: number): Range {
    return new Range(min, undefined);
  }

  static between(min: number, max: number): Range {
    return new Range(min, max);
  }

  ensureValid(name: string, value: unknown): void {
    if (value === null || value === undefined) throw ConfigError.invalidValue(name, value, 'Value must be non-null');
    const n = Number(value);
    if (this.min !== undefined && n < this.min) throw ConfigError.invalidValue(name, value, `Value must be at least ${this.min}`);
    if (this.max !== undefined && n > this.max) throw ConfigError.invalidValue(name, value, `Value must be no more than ${this.max}`);
  }

  jsonSchema(): JsonSchema {
    return {
      ...(this.min === undefined ? {} : { minimum: this.min }),
      ...(this.max === undefined ? {} : { maximum: this.max }),
    };
  }

  toString(): string {
    if (this.min === undefined) return `[...,${this.max}]`;
    if (this.max === undefined) return `[${this.min},...]`;
    return `[${this.min},...,${this.max}]`;
  }
}

/** The value must be one of the given strings (case-sensitive). */
export class ValidString implements ConfigValidator {
  readonly complete = true;
  readonly acceptsNull = false;

  private constructor(private readonly validStrings: readonly string[]) {}

  static in(...validStrings: string[]): ValidString {
    return new ValidString(validStrings);
  }

  ensureValid(name: string, value: unknown): void {
    const s = text(value);
    if (typeof s !== 'string' || !this.validStrings.includes(s)) {
      throw ConfigError.invalidValue(name, value, `String must be one of: ${this.validStrings.join(', ')}`);
    }
  }

  jsonSchema(): JsonSchema {
    return { enum: [...this.validStrings] };
  }

  toString(): string {
    return `[${this.validStrings.join(', ')}]`;
  }
}

/** The value must be one of the given strings, ignoring case. */
export class CaseInsensitiveValidString implements ConfigValidator {
  readonly complete = true;
  readonly acceptsNull = false;
  private readonly upper: ReadonlySet<string>;

  private constructor(private readonly validStrings: readonly string[]) {
    this.upper = new Set(validStrings.map((s) => s.toUpperCase()));
  }

  static in(...validStrings: string[]): CaseInsensitiveValidString {
    return new CaseInsensitiveValidString(validStrings);
  }

  ensureValid(name: string, value: unknown): void {
    const s = text(value);
    if (typeof s !== 'string' || !this.upper.has(s.toUpperCase())) {
      throw ConfigError.invalidValue(name, value, `String must be one of (case insensitive): ${this.validStrings.join(', ')}`);
    }
  }

  jsonSchema(): JsonSchema {
    const alternatives = this.validStrings.map((s) => [...s].map(caseInsensitiveChar).join(''));
    return { pattern: `^(?:${alternatives.join('|')})$` };
  }

  toString(): string {
    return `(case insensitive) [${this.validStrings.join(', ')}]`;
  }
}

/** Every element of a LIST value must be one of the given strings. */
export class ValidList implements ConfigValidator {
  readonly complete = true;
  readonly acceptsNull = false;

  private constructor(private readonly validStrings: readonly string[]) {}

  static in(...validStrings: string[]): ValidList {
    return new ValidList(validStrings);
  }

  ensureValid(name: string, value: unknown): void {
    if (!Array.isArray(value)) throw ConfigError.invalidValue(name, value, 'Expected a list');
    for (const item of value) {
      if (typeof item !== 'string' || !this.validStrings.includes(item)) {
        throw ConfigError.invalidValue(name, item, `String must be one of: ${this.validStrings.join(', ')}`);
      }
    }
  }

  jsonSchema(): JsonSchema {
    return { items: { enum: [...this.validStrings] } };
  }

  toString(): string {
    return `[${this.validStrings.join(', ')}]`;
  }
}

/** A string that, when set, is not empty. */
export class NonEmptyString implements ConfigValidator {
  readonly complete = true;
  readonly acceptsNull = true;

  ensureValid(name: string, value: unknown): void {
    const s = text(value);
    if (typeof s === 'string' && s.length === 0) throw ConfigError.invalidValue(name, value, 'String must be non-empty');
  }

  jsonSchema(): JsonSchema {
    return { minLength: 1 };
  }

  toString(): string {
    return 'non-empty string';
  }
}

const ISO_CONTROL = /[\u0000-\u001f\u007f-\u009f]/gu;

/** A string that, when set, is neither empty nor contains ISO control characters (used for connector names). */
export class NonEmptyStringWithoutControlChars implements ConfigValidator {
  readonly complete = true;
  readonly acceptsNull = true;

  ensureValid(name: string, value: unknown): void {
    const s = text(value);
    if (typeof s !== 'string') return;
    if (s.length === 0) throw ConfigError.invalidValue(name, value, 'String may not be empty');
    const found = s.match(ISO_CONTROL);
    if (found) {
      const codes = found.map((c) => c.codePointAt(0)).join(', ');
      throw ConfigError.invalidValue(name, value, `String may not contain control sequences but had the following ASCII chars: ${codes}`);
    }
  }

  jsonSchema(): JsonSchema {
    return { minLength: 1, pattern: '^[^\\u0000-\\u001f\\u007f-\\u009f]*$' };
  }

  toString(): string {
    return 'non-empty string without ISO control characters';
  }
}

export class NonNullValidator implements ConfigValidator {
  readonly complete = true;
  readonly acceptsNull = false;

  ensureValid(name: string, value: unknown): void {
    if (value === null || value === undefined) throw ConfigError.invalidValue(name, value, 'Entry must be non null');
  }

  jsonSchema(): JsonSchema {
    return {};
  }

  toString(): string {
    return 'non-null string';
  }
}

/** All of the given validators, checked in order. */
export class CompositeValidator implements ConfigValidator {
  readonly complete: boolean;
  readonly acceptsNull: boolean;

  private constructor(private readonly validators: readonly ConfigValidator[]) {
    this.complete = validators.every((v) => v.complete === true && v.jsonSchema !== undefined);
    this.acceptsNull = validators.every((v) => v.acceptsNull !== false);
  }

  static of(...validators: ConfigValidator[]): CompositeValidator {
    return new CompositeValidator(validators);
  }

  ensureValid(name: string, value: unknown): void {
    for (const v of this.validators) v.ensureValid(name, value);
  }

  jsonSchema(): JsonSchema {
    const parts = this.validators.flatMap((v) => (v.jsonSchema ? [v.jsonSchema()] : [])).filter((s) => Object.keys(s).length > 0);
    return parts.length === 0 ? {} : parts.length === 1 ? (parts[0] as JsonSchema) : { allOf: parts };
  }

  toString(): string {
    return this.validators.map((v) => v.toString()).join(', ');
  }
}

export interface LambdaValidatorOptions {
  /** Documentation of the valid values. */
  description?: string;
  /** JSON Schema keywords that approximate the check (the function still runs). */
  jsonSchema?: JsonSchema;
  /** Whether null should reach the function (defaults to true). */
  acceptsNull?: boolean;
}

/** A validator from a function (Kafka's LambdaValidator). Its check always runs, after any JSON Schema keywords. */
export class LambdaValidator implements ConfigValidator {
  readonly complete = false;
  readonly acceptsNull: boolean;

  private constructor(
    private readonly check: (name: string, value: unknown) => void,
    private readonly options: LambdaValidatorOptions,
  ) {
    this.acceptsNull = options.acceptsNull ?? true;
  }

  static with(check: (name: string, value: unknown) => void, options: LambdaValidatorOptions = {}): LambdaValidator {
    return new LambdaValidator(check, options);
  }

  ensureValid(name: string, value: unknown): void {
    this.check(name, value);
  }

  jsonSchema(): JsonSchema {
    return { ...(this.options.jsonSchema ?? {}) };
  }

  toString(): string {
    return this.options.description ?? '';
  }
}

function caseInsensitiveChar(c: string): string {
  const lower = c.toLowerCase();
  const upper = c.toUpperCase();
  if (lower !== upper && lower.length === 1 && upper.length === 1) return `[${lower}${upper}]`;
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
