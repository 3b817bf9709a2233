/**
 * Table schemas by relation OID. pgoutput re-sends a Relation message whenever a table's definition changes
 * (ALTER TABLE); offering each one here yields a new TableSchema from then on, while repeats of an unchanged
 * definition keep the existing one (and so the converters' cached schema JSON).
 */
import type { PgRelation, PgTypeDescriptor, PgTypeLookup } from './pg-column';
import { TableSchema, type TableSchemaOptions } from './table-schema';

/** The descriptors a type's mapping depends on: its own, and those of its domain base or array element types. */
function typeChain(oid: number, types: PgTypeLookup | undefined): PgTypeDescriptor[] {
  const chain: PgTypeDescriptor[] = [];
  let next: number | undefined = oid;
  while (next !== undefined && types !== undefined && chain.length < 8) {
    const d = types(next);
    if (d === undefined) break;
    chain.push(d);
    next = d.kind === 'domain' ? d.baseOid : d.kind === 'array' ? d.elementOid : undefined;
  }
  return chain;
}

/** Everything about a relation that can change its schemas, including how its non-built-in types resolve. */
function fingerprint(relation: PgRelation, options: TableSchemaOptions): string {
  return JSON.stringify([
    relation.schema,
    relation.table,
    relation.columns.map((c) => [c.name, c.typeOid, c.typeModifier, c.isKey, c.optional, c.defaultValueText ?? null, typeChain(c.typeOid, options.types)]),
  ]);
}

export class TableSchemaCache {
  private readonly entries = new Map<number, { fingerprint: string; schema: TableSchema }>();

  constructor(private readonly options: TableSchemaOptions) {}

  /**
   * The schema for a Relation message: the cached one when the definition is unchanged, else a new one that
   * replaces it. `changed` tells whether the schema was (re)built.
   */
  onRelation(relation: PgRelation): { schema: TableSchema; changed: boolean } {
    const print = fingerprint(relation, this.options);
    const cached = this.entries.get(relation.relationId);
    if (cached !== undefined && cached.fingerprint === print) return { schema: cached.schema, changed: false };
    const schema = new TableSchema(relation, this.options);
    this.entries.set(relation.relationId, { fingerprint: print, schema });
    return { schema, changed: true };
  }

  /** The current schema of a relation, or undefined before its first Relation message. */
  get(relationId: number): TableSchema | undefined {
    return this.entries.get(relationId)?.schema;
  }

  /** Forgets one relation (or all), e.g. after a type's definition changed outside any Relation message. */
  invalidate(relationId?: number): void {
    if (relationId === undefined) this.entries.clear();
    else this.entries.delete(relationId);
  }

  get size(): number {
    return this.entries.size;
  }
}
