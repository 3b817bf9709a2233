/**
 * Flag parsing shared by the Kafka-style tools: `--flag value`, `--flag=value`, repeatable flags
 * (`--property k=v` several times), multi-value flags (`--producer-props a=1 b=2`), and flags whose
 * value is optional (`--compression-codec` alone means gzip, as in Kafka). Unknown flags and missing
 * values raise a UsageError, which `runTool` turns into the usage text and exit code 1.
 */
import { readPropertiesFile, type Properties } from '../../broker/config/properties';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface FlagSpec {
  name: string;
  /** boolean: no value; value: one value; list: repeatable; multi: all following values up to the next flag. */
  kind: 'boolean' | 'value' | 'list' | 'multi';
  description: string;
  valueName?: string;
  aliases?: string[];
  /** Value taken when the flag is given without one (only for kind 'value'). */
  implicit?: string;
}

export class ParsedArgs {
  constructor(
    private readonly values: Map<string, string[]>,
    readonly positional: string[],
  ) {}

  has(name: string): boolean {
    return this.values.has(name);
  }

  value(name: string): string | undefined {
    const v = this.values.get(name);
    return v === undefined ? undefined : v[v.length - 1];
  }

  required(name: string): string {
    const v = this.value(name);
    if (v === undefined) throw new UsageError(`Missing required argument "--${name}"`);
    return v;
  }

  list(name: string): string[] {
    return this.values.get(name) ?? [];
  }

  /** An integer flag; `fallback` when absent. */
  int(name: string, fallback?: number): number | undefined {
    const v = this.value(name);
    if (v === undefined) return fallback;
    if (!/^-?\d+$/.test(v.trim())) throw new UsageError(`--${name} expects an integer, got "${v}"`);
    return Number(v);
  }
}

export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[]): ParsedArgs {
  const byName = new Map<string, FlagSpec>();
  for (const s of specs) {
    byName.set(s.name, s);
    for (const a of s.aliases ?? []) byName.set(a, s);
  }
  const values = new Map<string, string[]>();
  const positional: string[] = [];
  const add = (spec: FlagSpec, v: string): void => {
    const list = values.get(spec.name);
    if (list) list.push(v);
    else values.set(spec.name, [v]);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--') || arg === '--') {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const inline = eq < 0 ? undefined : arg.slice(eq + 1);
    const spec = byName.get(name);
    if (!spec) throw new UsageError(`Unrecognized option: --${name}`);
    const next = argv[i + 1];
    const nextIsValue = next !== undefined && !next.startsWith('--');
    switch (spec.kind) {
      case 'boolean':
        if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
        values.set(spec.name, ['true']);
        break;
      case 'value':
      case 'list':
        if (inline !== undefined) add(spec, inline);
        else if (nextIsValue) add(spec, argv[++i] as string);
        else if (spec.implicit !== undefined) add(spec, spec.implicit);
        else throw new UsageError(`Option --${name} requires an argument`);
        break;
      case 'multi': {
        let n = 0;
        if (inline !== undefined) {
          add(spec, inline);
          n++;
        }
        while (i + 1 < argv.length && !(argv[i + 1] as string).startsWith('--')) {
          add(spec, argv[++i] as string);
          n++;
        }
        if (n === 0) throw new UsageError(`Option --${name} requires an argument`);
        break;
      }
    }
  }
  return new ParsedArgs(values, positional);
}

/** `key=value` items (from --property, --config, --producer-property ...) as properties. */
export function parseKeyValues(items: readonly string[], flag: string): Properties {
  const out: Properties = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--${flag} expects key=value, got "${item}"`);
    out[item.slice(0, eq).trim()] = item.slice(eq + 1);
  }
  return out;
}

/** Client properties from an optional file (`--producer.config`) overlaid with `key=value` flags. */
export function clientProperties(file: string | undefined, items: readonly string[], flag: string): Properties {
  return { ...(file ? readPropertiesFile(file) : {}), ...parseKeyValues(items, flag) };
}

export function formatUsage(command: string, summary: string, specs: readonly FlagSpec[]): string {
  const rows = specs.map((s) => {
    const name = s.valueName ?? 'value';
    const value = s.kind === 'boolean' ? '' : s.implicit !== undefined ? ` [${name}]` : ` <${name}>${s.kind === 'value' ? '' : ' ...'}`;
    return [`--${s.name}${value}`, s.description] as const;
  });
  const width = Math.min(44, Math.max(...rows.map(([f]) => f.length)) + 2);
  const lines = rows.map(([f, d]) => `  ${f.padEnd(width)}${f.length >= width ? `\n  ${''.padEnd(width)}` : ''}${d}`);
  return `usage: sluice ${command} [options]\n${summary}\n\noptions:\n${lines.join('\n')}\n`;
}

/** Integer within bounds, for values that came from properties rather than flags. */
export function intProperty(props: Properties, key: string, fallback: number): number {
  const v = props[key];
  if (v === undefined || v.trim() === '') return fallback;
  if (!/^-?\d+$/.test(v.trim())) throw new UsageError(`${key} must be an integer, got "${v}"`);
  return Number(v);
}

/** Kafka's acks values: all, -1, 0, 1. */
export function parseAcks(v: string | undefined, fallback = -1): number {
  if (v === undefined) return fallback;
  const t = v.trim().toLowerCase();
  if (t === 'all' || t === '-1') return -1;
  if (t === '0' || t === '1') return Number(t);
  throw new UsageError(`acks must be one of all, -1, 0, 1; got "${v}"`);
}

export function booleanProperty(props: Properties, key: string, fallback = false): boolean {
  const v = props[key];
  if (v === undefined) return fallback;
  return v.trim().toLowerCase() === 'true';
}
