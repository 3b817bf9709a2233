/**
 * The Connect schemas of the captured tables, keyed by relation OID. A table's definition combines what the
 * source of its rows says (the snapshot's catalog read, or a pgoutput Relation message while streaming: column
 * names, order, types) with what only the catalog knows (primary key, NOT NULL, defaults). Keys follow the
 * primary key in its declared order (as Debezium's), or message.key.columns.
 */
import {
  builtinTypeName,
  columnFilterFrom,
  keyColumnsSelectorFrom,
  type PgColumn,
  type PgEventOptions,
  type PgRelation,
  TableSchema,
  TableSchemaCache,
} from '../events';
import type { RelationInfo } from '../replication';
import type { CatalogColumn, CatalogTableFacts, TypeRegistry } from './catalog-reader';
import { literalDefault } from './default-values';
import type { SourceLogger } from './logger';

export class TableSchemas {
  private readonly cache: TableSchemaCache;
  private readonly primaryKeys = new Map<string, readonly string[]>();

  constructor(
    events: PgEventOptions,
    private readonly types: TypeRegistry,
    private readonly logger: SourceLogger,
  ) {
    const messageKeys = keyColumnsSelectorFrom(events.messageKeyColumns);
    const columnFilter = columnFilterFrom(events);
    this.cache = new TableSchemaCache({
      topicPrefix: events.topicPrefix,
      mapping: events,
      types: types.lookup,
      ...(columnFilter === undefined ? {} : { columnFilter }),
      keyColumns: (schema, table, columns) => messageKeys?.(schema, table, columns) ?? [...(this.primaryKeys.get(`${schema}.${table}`) ?? [])],
    });
  }

  /** The schema of a table as the snapshot reads it: its catalog columns, generated ones left out (pgoutput never sends them). */
  fromCatalog(facts: CatalogTableFacts): TableSchema {
    const keys = new Set(facts.primaryKey);
    const columns = facts.columns.filter((c) => !c.generated).map((c) => this.column(c.name, c.typeOid, c.typeModifier, keys, c));
    return this.build({ relationId: facts.oid, schema: facts.schema, table: facts.table, columns }, facts.primaryKey);
  }

  /**
   * The schema for a Relation message: its columns, with key, NOT NULL and defaults from the catalog read just now.
   * A column the catalog no longer has (dropped since the change was made) is taken as nullable without default.
   */
  fromRelation(relation: RelationInfo, facts: CatalogTableFacts | undefined): TableSchema {
    const keys = new Set(facts?.primaryKey ?? []);
    const byName = new Map<string, CatalogColumn>(facts?.columns.map((c) => [c.name, c]) ?? []);
    const columns = relation.columns.map((c) => this.column(c.name, c.typeOid, c.typeModifier, keys, byName.get(c.name)));
    return this.build({ relationId: relation.relationId, schema: relation.schema, table: relation.name, columns }, facts?.primaryKey ?? []);
  }

  get(relationId: number): TableSchema | undefined {
    return this.cache.get(relationId);
  }

  private column(name: string, typeOid: number, typeModifier: number, keys: ReadonlySet<string>, facts: CatalogColumn | undefined): PgColumn {
    const sameType = facts !== undefined && facts.typeOid === typeOid;
    const defaultValueText = sameType
      ? literalDefault(facts.defaultExpression, { ...(builtinTypeName(typeOid) === undefined ? {} : { builtinOid: typeOid }), isEnum: this.types.isEnum(typeOid) })
      : undefined;
    return {
      name,
      typeOid,
      typeModifier,
      isKey: keys.has(name),
      optional: !(facts?.notNull ?? false),
      ...(defaultValueText === undefined ? {} : { defaultValueText }),
    };
  }

  private build(relation: PgRelation, primaryKey: readonly string[]): TableSchema {
    this.primaryKeys.set(`${relation.schema}.${relation.table}`, primaryKey);
    const { schema, changed } = this.cache.onRelation(relation);
    if (changed) {
      for (const warning of schema.warnings) this.logger.warn({ table: `${relation.schema}.${relation.table}` }, warning);
    }
    return schema;
  }
}
