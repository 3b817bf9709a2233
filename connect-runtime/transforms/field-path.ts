/**
 * A path to a single field (Kafka's SingleFieldPath, KIP-821). With `field.syntax.version=V1` the whole text is one
 * top-level field name. With `V2` dots separate nested fields, and a step wrapped in backticks may contain dots
 * (`` `a.b`.c `` is field `c` of field `a.b`); inside backticks, a backtick that is followed by a dot is escaped with
 * a backslash.
 */
import { CaseInsensitiveValidString, ConfigError, type ConfigKeyDefinition, type Field, type Schema, type Struct } from '../api';
import { mapGet } from './map-values';
import { type MapValue, requireMapOrNull, requireStructOrNull } from './requirements';

export const FIELD_SYNTAX_VERSION_CONFIG = 'field.syntax.version';

export type FieldSyntaxVersion = 'V1' | 'V2';

export const FIELD_SYNTAX_VERSION_DEFINITION: ConfigKeyDefinition = {
  name: FIELD_SYNTAX_VERSION_CONFIG,
  type: 'STRING',
  default: 'V1',
  validator: CaseInsensitiveValidString.in('V1', 'V2'),
  importance: 'HIGH',
  documentation:
    'The syntax of field paths. V1: a path names a top-level field. V2: dots separate nested fields, and backticks ' +
    'wrap a field name that contains dots, e.g. `foo.bar`.baz for field baz of the field named "foo.bar".',
};

export function parseSyntaxVersion(value: string | null): FieldSyntaxVersion {
  const upper = (value ?? 'V1').toUpperCase();
  if (upper !== 'V1' && upper !== 'V2') throw ConfigError.invalidValue(FIELD_SYNTAX_VERSION_CONFIG, value, 'Unrecognized field syntax version');
  return upper;
}

export class SingleFieldPath {
  readonly steps: readonly string[];

  constructor(
    readonly text: string,
    version: FieldSyntaxVersion,
  ) {
    this.steps = version === 'V1' ? [text] : parseV2(text);
  }

  /** The field the path names in a schema, or undefined when any step is missing. */
  fieldFrom(schema: Schema | null): Field | undefined {
    let current = schema;
    for (let i = 0; current !== null && i < this.steps.length; i++) {
      if (current.type !== 'STRUCT') return undefined;
      const field = current.field(this.steps[i] as string);
      if (field === undefined) return undefined;
      if (i === this.steps.length - 1) return field;
      current = field.schema;
    }
    return undefined;
  }

  /** The value at the path in a Struct, or null when a step is missing or null. */
  valueFromStruct(struct: Struct | null, withDefault: boolean): unknown {
    let current = struct;
    for (let i = 0; current !== null && i < this.steps.length; i++) {
      const step = this.steps[i] as string;
      if (current.schema.field(step) === undefined) return null;
      if (i === this.steps.length - 1) return withDefault ? current.get(step) : current.getWithoutDefault(step);
      current = requireStructOrNull(current.get(step), 'nested field access');
    }
    return null;
  }

  /** The value at the path in a schemaless map, or null. */
  valueFromMap(map: MapValue | null): unknown {
    let current = map;
    for (let i = 0; current !== null && i < this.steps.length; i++) {
      const value = mapGet(current, this.steps[i] as string);
      if (i === this.steps.length - 1) return value;
      current = requireMapOrNull(value, 'nested field access');
    }
    return null;
  }
}

function incomplete(path: string, at: number): ConfigError {
  return new ConfigError(`Incomplete backtick pair in path: [${path}], consider adding a backslash before backtick at position ${at} to escape it`);
}

function parseV2(path: string): string[] {
  const steps: string[] = [];
  let i = 0;
  while (i < path.length) {
    if (path[i] !== '`') {
      const dot = path.indexOf('.', i);
      steps.push(dot < 0 ? path.slice(i) : path.slice(i, dot));
      i = dot < 0 ? path.length : dot + 1;
      continue;
    }
    const opening = i;
    let start = i + 1;
    let search = start;
    let step = '';
    for (;;) {
      const tick = path.indexOf('`', search);
      if (tick < 0) throw incomplete(path, opening);
      const escaped = path[tick - 1] === '\\';
      if (tick >= path.length - 1) {
        // The closing backtick ends the path.
        if (escaped) throw incomplete(path, opening);
        steps.push(step + path.slice(start, tick));
        i = tick + 1;
        break;
      }
      if (path[tick + 1] !== '.') {
        search = tick + 1; // a backtick inside the name
        continue;
      }
      if (escaped) {
        step += `${path.slice(start, tick - 1)}\``;
        start = search = tick + 1;
        continue;
      }
      steps.push(step + path.slice(start, tick));
      i = tick + 2;
      break;
    }
  }
  if (path.endsWith('.')) steps.push('');
  return steps;
}

