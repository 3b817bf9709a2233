/**
 * Relation id → table definition, fed by pgoutput Relation (and Type) messages. The server sends a Relation message
 * before the first change to a table in each session and again after the table's definition changes, so applying
 * every Relation message in stream order keeps the cache right across schema changes mid-stream. A new session
 * starts with an empty cache on the server side too: call clear() on reconnect.
 */
import { ReplicationError, ReplicationErrorCode } from './errors';
import type {
  PgoutputMessage,
  RelationColumn,
  RelationMessage,
  ReplicaIdentity,
  TupleColumn,
  TupleData,
  TypeMessage,
} from './pgoutput-messages';

export interface RelationInfo {
  relationId: number;
  /** Schema name with the wire's "" for pg_catalog resolved. */
  schema: string;
  name: string;
  replicaIdentity: ReplicaIdentity;
  columns: readonly RelationColumn[];
  /** Names of the replica identity columns, in column order. */
  keyColumns: readonly string[];
}

export interface RelationChange {
  relation: RelationInfo;
  /** The definition it replaced, if the relation was known. */
  previous?: RelationInfo;
  /** False when the message repeated the known definition (the server resends after unrelated invalidations). */
  changed: boolean;
}

export interface TypeInfo {
  typeOid: number;
  schema: string;
  name: string;
}

export interface BoundColumn {
  column: RelationColumn;
  value: TupleColumn;
}

export class RelationCache {
  private readonly relations = new Map<number, RelationInfo>();
  private readonly types = new Map<number, TypeInfo>();

  get size(): number {
    return this.relations.size;
  }

  apply(message: RelationMessage): RelationChange {
    const relation: RelationInfo = {
      relationId: message.relationId,
      schema: message.namespace === '' ? 'pg_catalog' : message.namespace,
      name: message.name,
      replicaIdentity: message.replicaIdentity,
      columns: message.columns,
      keyColumns: message.columns.filter((c) => c.isKey).map((c) => c.name),
    };
    const previous = this.relations.get(message.relationId);
    this.relations.set(message.relationId, relation);
    if (previous === undefined) return { relation, changed: true };
    return { relation, previous, changed: !sameDefinition(previous, relation) };
  }

  applyType(message: TypeMessage): TypeInfo {
    const info: TypeInfo = {
      typeOid: message.typeOid,
      schema: message.namespace === '' ? 'pg_catalog' : message.namespace,
      name: message.name,
    };
    this.types.set(message.typeOid, info);
    return info;
  }

  /** Applies Relation and Type messages and ignores everything else; returns the change for Relation messages. */
  observe(message: PgoutputMessage): RelationChange | undefined {
    if (message.tag === 'relation') return this.apply(message);
    if (message.tag === 'type') this.applyType(message);
    return undefined;
  }

  get(relationId: number): RelationInfo | undefined {
    return this.relations.get(relationId);
  }

  /** Like get, but a change for an unknown relation is a protocol violation and fails clearly. */
  require(relationId: number): RelationInfo {
    const relation = this.relations.get(relationId);
    if (relation === undefined) {
      throw new ReplicationError(
        `pgoutput sent a change for relation ${relationId} before any Relation message describing it ` +
          '(was the relation cache cleared mid-session, or messages skipped?)',
        { code: ReplicationErrorCode.PROTOCOL },
      );
    }
    return relation;
  }

  /** The name of a non-built-in type announced by a Type message. */
  type(typeOid: number): TypeInfo | undefined {
    return this.types.get(typeOid);
  }

  delete(relationId: number): boolean {
    return this.relations.delete(relationId);
  }

  clear(): void {
    this.relations.clear();
    this.types.clear();
  }
}

/** Pairs each tuple value with its column definition; a count mismatch means the cache is stale. */
export function bindTuple(relation: RelationInfo, tuple: TupleData): BoundColumn[] {
  if (tuple.length !== relation.columns.length) {
    throw new ReplicationError(
      `a tuple of ${tuple.length} column(s) does not match relation ${relation.schema}.${relation.name} ` +
        `(id ${relation.relationId}), which has ${relation.columns.length}`,
      { code: ReplicationErrorCode.PROTOCOL },
    );
  }
  return relation.columns.map((column, i) => ({ column, value: tuple[i]! }));
}

function sameDefinition(a: RelationInfo, b: RelationInfo): boolean {
  if (a.schema !== b.schema || a.name !== b.name || a.replicaIdentity !== b.replicaIdentity) return false;
  if (a.columns.length !== b.columns.length) return false;
  return a.columns.every((c, i) => {
    const d = b.columns[i]!;
    return c.name === d.name && c.isKey === d.isKey && c.typeOid === d.typeOid && c.typeModifier === d.typeModifier;
  });
}
