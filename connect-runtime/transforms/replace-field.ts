/**
 * ReplaceField (org.apache.kafka.connect.transforms.ReplaceField$Key / $Value): keeps or drops fields and renames
 * them. `exclude` wins over `include`; an empty `include` keeps everything. `renames` is a list of `old:new` pairs.
 * Tombstones pass through. The pre-4.0 names `blacklist` and `whitelist` are still read when `exclude` and
 * `include` are absent, so that older connector configs keep working.
 */
import {
  type ConfigDef,
  ConfigError,
  type ConnectRecord,
  LambdaValidator,
  type Schema,
  SchemaBuilder,
  type Transformation,
} from '../api';
import { configDef, parseConfig, REPLACE_NULL_WITH_DEFAULT_CONFIG, REPLACE_NULL_WITH_DEFAULT_DEFINITION } from './config-util';
import { mapEmpty, mapEntries, mapSet } from './map-values';
import { KEY_SIDE, type RecordSide, VALUE_SIDE } from './record-side';
import { requireMap, requireStruct } from './requirements';
import { copySchemaBasics, SchemaCache, structOf, valuesAt } from './schema-util';

export const REPLACE_FIELD_KEY_CLASS = 'org.apache.kafka.connect.transforms.ReplaceField$Key';
export const REPLACE_FIELD_VALUE_CLASS = 'org.apache.kafka.connect.transforms.ReplaceField$Value';

const PURPOSE = 'field replacement';

/** Java's String.split(":"): trailing empty strings are dropped. */
function javaSplit(text: string, separator: string): string[] {
  const parts = text.split(separator);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

export function parseRenameMappings(mappings: readonly string[]): Map<string, string> {
  const renames = new Map<string, string>();
  for (const mapping of mappings) {
    const parts = javaSplit(mapping, ':');
    if (parts.length !== 2) throw ConfigError.invalidValue('renames', mappings, `Invalid rename mapping: ${mapping}`);
    renames.set(parts[0] as string, parts[1] as string);
  }
  return renames;
}

const CONFIG_DEF = configDef(
  { name: 'exclude', type: 'LIST', default: [], importance: 'MEDIUM', documentation: 'Fields to exclude. This takes precedence over the fields to include.' },
  { name: 'include', type: 'LIST', default: [], importance: 'MEDIUM', documentation: 'Fields to include. If specified, only these fields are kept.' },
  {
    name: 'renames',
    type: 'LIST',
    default: [],
    validator: LambdaValidator.with((_name, value) => void parseRenameMappings((value ?? []) as string[]), {
      description: 'list of colon-delimited pairs, e.g. foo:bar,abc:xyz',
    }),
    importance: 'MEDIUM',
    documentation: 'Field rename mappings.',
  },
  REPLACE_NULL_WITH_DEFAULT_DEFINITION,
);

interface Plan {
  readonly schema: Schema;
  /** For each field of `schema`, the field of the input it comes from. */
  /** For each output field, the position of the input field it comes from. */
  readonly sources: readonly number[];
}

export abstract class ReplaceField<R extends ConnectRecord<R>> implements Transformation<R> {
  protected abstract readonly side: RecordSide;
  private exclude: ReadonlySet<string> = new Set();
  private include: ReadonlySet<string> = new Set();
  private renames: ReadonlyMap<string, string> = new Map();
  private replaceNullWithDefault = true;
  private readonly plans = new SchemaCache<Plan>();

  configure(configs: Readonly<Record<string, unknown>>): void {
    const withLegacy = { ...configs };
    if (withLegacy['exclude'] === undefined && withLegacy['blacklist'] !== undefined) withLegacy['exclude'] = withLegacy['blacklist'];
    if (withLegacy['include'] === undefined && withLegacy['whitelist'] !== undefined) withLegacy['include'] = withLegacy['whitelist'];
    const config = parseConfig(CONFIG_DEF, withLegacy);
    this.exclude = new Set(config.getList('exclude') ?? []);
    this.include = new Set(config.getList('include') ?? []);
    this.renames = parseRenameMappings(config.getList('renames') ?? []);
    this.replaceNullWithDefault = config.getBoolean(REPLACE_NULL_WITH_DEFAULT_CONFIG) ?? true;
    this.plans.clear();
  }

  private keep(name: string): boolean {
    return !this.exclude.has(name) && (this.include.size === 0 || this.include.has(name));
  }

  private renamed(name: string): string {
    return this.renames.get(name) ?? name;
  }

  apply(record: R): R | null {
    const value = this.side.value(record);
    if (value === null) return record;
    return this.side.schema(record) === null ? this.applySchemaless(record, value) : this.applyWithSchema(record, value);
  }

  private applySchemaless(record: R, raw: unknown): R {
    const map = requireMap(raw, PURPOSE);
    const updated = mapEmpty(map);
    for (const [name, fieldValue] of mapEntries(map)) if (this.keep(name)) mapSet(updated, this.renamed(name), fieldValue);
    return this.side.update(record, null, updated);
  }

  private applyWithSchema(record: R, raw: unknown): R {
    const value = requireStruct(raw, PURPOSE);
    const plan = this.plans.computeIfAbsent(value.schema, (s) => this.plan(s));
    const values = valuesAt(value, plan.sources, this.replaceNullWithDefault);
    return this.side.update(record, plan.schema, structOf(plan.schema, values));
  }

  private plan(schema: Schema): Plan {
    const builder = copySchemaBasics(schema, SchemaBuilder.struct());
    const sources: number[] = [];
    for (const field of schema.fields) {
      if (!this.keep(field.name)) continue;
      builder.field(this.renamed(field.name), field.schema);
      sources.push(field.index);
    }
    return { schema: builder.build(), sources };
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {
    this.plans.clear();
  }
}

export class ReplaceFieldKey<R extends ConnectRecord<R>> extends ReplaceField<R> {
  protected readonly side = KEY_SIDE;
}

export class ReplaceFieldValue<R extends ConnectRecord<R>> extends ReplaceField<R> {
  protected readonly side = VALUE_SIDE;
}
