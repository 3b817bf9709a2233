/** Compiles config JSON Schemas with ajv and reports failures per top-level key. */
import Ajv, { type ErrorObject } from 'ajv';
import type { JsonSchema } from './config-types';

export interface KeyViolation {
  /** The config key the violation is about. */
  key: string;
  /** ajv's keyword (`required`, `minimum`, `enum`, ...). */
  keyword: string;
  /** ajv's message, used when the key's validator cannot word the problem itself. */
  message: string;
}

export type CompiledConfigSchema = (instance: Record<string, unknown>) => KeyViolation[];

/** One ajv instance per compiled schema: config specs are few and compiled once, and nothing is shared globally. */
export function compileConfigSchema(schema: JsonSchema): CompiledConfigSchema {
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  const validate = ajv.compile(schema);
  return (instance) => {
    if (validate(instance)) return [];
    return (validate.errors ?? []).map(toViolation).filter((v): v is KeyViolation => v !== undefined);
  };
}

function toViolation(error: ErrorObject): KeyViolation | undefined {
  if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty?: string }).missingProperty;
    return missing === undefined ? undefined : { key: missing, keyword: 'required', message: error.message ?? 'is required' };
  }
  const path = error.instancePath;
  if (!path.startsWith('/')) return undefined;
  const end = path.indexOf('/', 1);
  const key = decodePointerToken(end === -1 ? path.slice(1) : path.slice(1, end));
  return { key, keyword: error.keyword, message: error.message ?? 'is invalid' };
}

function decodePointerToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}
